package provider

// logRequestVariables are the environment variables through which someone asks for the provider's logs.
// Terraform starts providers with its own environment and shows their logs only under TF_LOG or
// TF_LOG_PROVIDER; the rest are terraform-plugin-log's per-logger levels.
var logRequestVariables = []string{
	"TF_LOG", "TF_LOG_PATH", "TF_LOG_PROVIDER", "TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK",
	providerLogVariable,
}

// providerLogVariable is the level of this provider's own logger (terraform-plugin-log derives it from the
// provider address's type, "gitdeploy").
const providerLogVariable = "TF_LOG_PROVIDER_GITDEPLOY"

// quietLoggerVariables turn off every logger the provider's requests go through.
var quietLoggerVariables = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", providerLogVariable}

// QuietUnreadLogs turns the provider's loggers off when nothing in its environment asks for logs.
//
// terraform-plugin-go's loggers default to TRACE: every request writes a few dozen JSON lines to stderr,
// which Terraform parses and then drops unless TF_LOG or TF_LOG_PROVIDER is set. Measured on the
// lifecycle benchmark, building those lines is about a third of the provider's CPU. When any of the
// variables above is set, nothing changes and the logs follow it as usual.
func QuietUnreadLogs(lookupEnv func(string) (string, bool), setEnv func(string, string) error) error {
	for _, name := range logRequestVariables {
		if v, ok := lookupEnv(name); ok && v != "" {
			return nil
		}
	}
	for _, name := range quietLoggerVariables {
		if err := setEnv(name, "off"); err != nil {
			return err
		}
	}
	return nil
}
