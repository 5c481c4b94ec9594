# The same imports as import blocks (Terraform 1.5+): plan shows what is imported, apply records it.
import {
  to = gitdeploy_site.landing
  id = "3f8a1c2e-4b5d-4e6f-8a9b-0c1d2e3f4a5b" # the Netlify site id
}

import {
  to = gitdeploy_site.billing
  id = "dokploy:C6ynGAfd8FNE85O8cL_uO" # "dokploy:" and the application id
}
