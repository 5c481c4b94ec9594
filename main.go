// Command terraform-provider-gitdeploy serves the gitdeploy Terraform provider over plugin protocol 6.
package main

import (
	"flag"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/provider"
)

// version is set by the release build (-ldflags "-X main.version=...").
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "start the provider in debug mode (prints TF_REATTACH_PROVIDERS)")
	flag.Parse()

	if err := provider.QuietUnreadLogs(os.LookupEnv, os.Setenv); err != nil {
		log.Fatal(err.Error())
	}
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	err := tf6server.Serve("registry.terraform.io/gitdeploy/gitdeploy", provider.ProtocolServer(version), opts...)
	if err != nil {
		log.Fatal(err.Error())
	}
}
