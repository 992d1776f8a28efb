// Helper of scripts/lint-deploy.sh (Kubernetes JSON schemas, env and manifest checks).
// A module of its own so the C++ build never sees Go; built into ~/.cache/nationpulse/bin.
module nationpulse.local/deploylint

go 1.24

require gopkg.in/yaml.v3 v3.0.1
