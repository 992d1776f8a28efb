// np-deploylint: the parts of scripts/lint-deploy.sh that need real YAML/JSON parsing.
//
//	np-deploylint schemas SWAGGER.json OUTDIR
//	    Kubernetes' OpenAPI v2 spec -> one strict, self-contained JSON schema per kind, named the way
//	    kubeconform's -schema-location template expects ({{.ResourceKind}}{{.KindSuffix}}.json).
//	np-deploylint check -bin SVC=PATH... -compose FILE -allow FILE -settings DIR... NAME=RENDERED.yaml...
//	    Every variable a service reads (np-SVC --print-env, run with the environment that deployment
//	    gives it) is set for it in compose and in each rendered overlay;
//	    settings files hold only variables their service reads; manifests reference what exists
//	    (ConfigMaps, Secrets, keys, probe and Service ports) and keep the security baseline.
//	np-deploylint monitoring -src DIR... -rules FILE... -tests FILE... -dashboard FILE...
//	    Prometheus rules and Grafana dashboard: every metric they use is registered by the code,
//	    every alert has labels, annotations, a runbook and firing + silent tests (monitoring.go).
package main

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: np-deploylint schemas SWAGGER OUTDIR | check ... | monitoring ...")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "schemas":
		err = runSchemas(os.Args[2:])
	case "check":
		err = runCheck(os.Args[2:])
	case "monitoring":
		err = runMonitoring(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "np-deploylint:", err)
		os.Exit(1)
	}
}

// ------------------------------------------------------------------------------------ schemas

type obj = map[string]any

// cleanSchema drops descriptions and x- extensions (most of the size), makes objects strict
// (additionalProperties: false, as kubectl's own validation does) and turns int-or-string into
// what a YAML author may write. It walks schema keywords only, so a field that happens to be
// called "description" or "properties" is kept.
func cleanSchema(s obj) obj {
	if s["format"] == "int-or-string" {
		return obj{"oneOf": []any{obj{"type": "string"}, obj{"type": "integer"}}}
	}
	out := obj{}
	for k, v := range s {
		if k == "description" || strings.HasPrefix(k, "x-") {
			continue
		}
		switch k {
		case "properties":
			props := obj{}
			for name, p := range v.(obj) {
				props[name] = cleanSchema(p.(obj))
			}
			out[k] = props
		case "items", "additionalProperties":
			if m, ok := v.(obj); ok {
				out[k] = cleanSchema(m)
			} else {
				out[k] = v
			}
		case "allOf", "anyOf", "oneOf":
			var list []any
			for _, e := range v.([]any) {
				list = append(list, cleanSchema(e.(obj)))
			}
			out[k] = list
		default:
			out[k] = v
		}
	}
	if _, ok := out["properties"]; ok {
		if _, set := out["additionalProperties"]; !set {
			out["additionalProperties"] = false
		}
	}
	return out
}

func collectRefs(v any, into map[string]bool) {
	switch t := v.(type) {
	case obj:
		for k, e := range t {
			if s, ok := e.(string); ok && k == "$ref" {
				into[strings.TrimPrefix(s, "#/definitions/")] = true
			} else {
				collectRefs(e, into)
			}
		}
	case []any:
		for _, e := range t {
			collectRefs(e, into)
		}
	}
}

func runSchemas(args []string) error {
	if len(args) != 2 {
		return errors.New("usage: schemas SWAGGER.json OUTDIR")
	}
	raw, err := os.ReadFile(args[0])
	if err != nil {
		return err
	}
	var spec struct {
		Definitions map[string]obj `json:"definitions"`
	}
	if err := json.Unmarshal(raw, &spec); err != nil {
		return fmt.Errorf("%s: %w", args[0], err)
	}
	defs := map[string]obj{}
	for name, d := range spec.Definitions {
		defs[name] = cleanSchema(d)
	}
	// Quantity is a string in the spec, but `memory: 1` or `cpu: 0.5` are valid manifests.
	defs["io.k8s.apimachinery.pkg.api.resource.Quantity"] = obj{"oneOf": []any{obj{"type": "string"}, obj{"type": "number"}}}

	tmp := args[1] + ".tmp"
	_ = os.RemoveAll(tmp)
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return err
	}
	written := map[string]string{}
	names := make([]string, 0, len(spec.Definitions))
	for n := range spec.Definitions {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		gvks, _ := spec.Definitions[name]["x-kubernetes-group-version-kind"].([]any)
		for _, g := range gvks {
			gvk := g.(obj)
			group, _ := gvk["group"].(string)
			file := strings.ToLower(gvk["kind"].(string))
			if group != "" {
				file += "-" + strings.ToLower(strings.Split(group, ".")[0])
			}
			file += "-" + strings.ToLower(gvk["version"].(string)) + ".json"
			if prev, dup := written[file]; dup {
				if prev != name {
					fmt.Fprintf(os.Stderr, "np-deploylint: %s: %s and %s share a name, keeping %s\n", file, prev, name, prev)
				}
				continue
			}
			// Self-contained: the kind's schema plus every definition it reaches, refs unchanged.
			closure, queue := map[string]bool{}, []string{name}
			for len(queue) > 0 {
				n := queue[0]
				queue = queue[1:]
				refs := map[string]bool{}
				collectRefs(defs[n], refs)
				for r := range refs {
					if !closure[r] {
						if _, ok := defs[r]; !ok {
							return fmt.Errorf("%s: unresolved $ref %s", name, r)
						}
						closure[r] = true
						queue = append(queue, r)
					}
				}
			}
			doc := obj{}
			for k, v := range defs[name] {
				doc[k] = v
			}
			sub := obj{}
			for r := range closure {
				sub[r] = defs[r]
			}
			doc["definitions"] = sub
			data, err := json.Marshal(doc)
			if err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(tmp, file), data, 0o644); err != nil {
				return err
			}
			written[file] = name
		}
	}
	if len(written) < 50 {
		return fmt.Errorf("only %d kinds found in %s: not a Kubernetes swagger.json?", len(written), args[0])
	}
	_ = os.RemoveAll(args[1])
	if err := os.Rename(tmp, args[1]); err != nil {
		return err
	}
	fmt.Printf("np-deploylint: %d schemas written to %s\n", len(written), args[1])
	return nil
}

// -------------------------------------------------------------------------------------- check

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

type checker struct {
	problems []string
}

func (c *checker) fail(format string, a ...any) {
	c.problems = append(c.problems, fmt.Sprintf(format, a...))
}

var keyRe = regexp.MustCompile(`^[A-Z_][A-Z0-9_]*$`)

// readEnvFile reads a settings file with the rules both compose and kustomize agree on.
func (c *checker) readEnvFile(path string) map[string]string {
	f, err := os.Open(path)
	if err != nil {
		c.fail("%v", err)
		return nil
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		t := sc.Text()
		if strings.TrimSpace(t) == "" || strings.HasPrefix(strings.TrimSpace(t), "#") {
			continue
		}
		k, v, ok := strings.Cut(t, "=")
		switch {
		case !ok || !keyRe.MatchString(k):
			c.fail("%s:%d: not KEY=VALUE: %q", path, line, t)
		case strings.ContainsAny(v, `"'$`) || strings.TrimRight(v, " \t") != v:
			// compose strips quotes and expands $, kustomize keeps both: the two would differ.
			c.fail("%s:%d: %s: no quotes, '$' or trailing blanks (compose and kustomize read them differently)", path, line, k)
		}
		if _, dup := out[k]; dup {
			c.fail("%s:%d: %s set twice", path, line, k)
		}
		out[k] = v
	}
	return out
}

func readLines(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out, nil
}

func loadDocs(path string) ([]obj, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var docs []obj
	dec := yaml.NewDecoder(f)
	for {
		var d obj
		if err := dec.Decode(&d); err == io.EOF {
			return docs, nil
		} else if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if d != nil {
			docs = append(docs, d)
		}
	}
}

// m walks nested maps: m(x, "spec", "template") is x["spec"]["template"] or nil.
func m(v any, path ...string) obj {
	for _, p := range path {
		o, _ := v.(obj)
		v = o[p]
	}
	o, _ := v.(obj)
	return o
}

func list(v any) []any { l, _ := v.([]any); return l }
func str(v any) string { s, _ := v.(string); return s }

func portString(v any) string { return fmt.Sprint(v) }

type render struct {
	name       string
	docs       []obj
	configMaps map[string]map[string]string
	secrets    map[string]map[string]string
}

func (r *render) index() {
	r.configMaps, r.secrets = map[string]map[string]string{}, map[string]map[string]string{}
	for _, d := range r.docs {
		name := str(m(d, "metadata")["name"])
		data := map[string]string{}
		for k, v := range m(d, "stringData") {
			data[k] = str(v)
		}
		switch d["kind"] {
		case "ConfigMap":
			for k, v := range m(d, "data") {
				data[k] = str(v)
			}
			r.configMaps[name] = data
		case "Secret":
			for k, v := range m(d, "data") {
				dec, _ := base64.StdEncoding.DecodeString(str(v))
				data[k] = string(dec)
			}
			r.secrets[name] = data
		}
	}
}

// containerEnv: the environment a container gets (envFrom, then env; values resolved), checking
// that every ConfigMap, Secret and key it references exists in the render.
func (c *checker) containerEnv(r *render, where string, ctr obj) map[string]string {
	out := map[string]string{}
	sources := map[string]map[string]map[string]string{
		"configMapKeyRef": r.configMaps, "secretKeyRef": r.secrets,
		"configMapRef": r.configMaps, "secretRef": r.secrets,
	}
	for _, e := range list(ctr["envFrom"]) {
		eo := e.(obj)
		for _, kind := range []string{"configMapRef", "secretRef"} {
			if ref := m(eo, kind); ref != nil {
				data, ok := sources[kind][str(ref["name"])]
				if !ok && ref["optional"] != true {
					c.fail("%s: %s: envFrom %s %s does not exist", r.name, where, kind, ref["name"])
				}
				for k, v := range data {
					out[str(eo["prefix"])+k] = v
				}
			}
		}
	}
	for _, e := range list(ctr["env"]) {
		eo := e.(obj)
		name := str(eo["name"])
		out[name] = str(eo["value"])
		for _, kind := range []string{"configMapKeyRef", "secretKeyRef"} {
			if ref := m(eo, "valueFrom", kind); ref != nil {
				v, ok := sources[kind][str(ref["name"])][str(ref["key"])]
				if !ok && ref["optional"] != true {
					c.fail("%s: %s: env %s: %s %s/%s does not exist", r.name, where, name, kind, ref["name"], ref["key"])
				}
				out[name] = v
			}
		}
	}
	return out
}

func hasAll(v any, want ...string) bool {
	o := m(v)
	for _, w := range want {
		if o[w] == nil {
			return false
		}
	}
	return true
}

// policy: the baseline every workload keeps, and references that must resolve (D-64, D-65).
func (c *checker) policy(r *render, appServices map[string]bool) {
	type podInfo struct {
		labels obj
		ports  map[string]bool
	}
	var pods []podInfo
	for _, d := range r.docs {
		kind, name := str(d["kind"]), str(m(d, "metadata")["name"])
		if kind != "Deployment" && kind != "StatefulSet" && kind != "DaemonSet" && kind != "Job" {
			continue
		}
		spec := m(d, "spec", "template", "spec")
		podSC := m(spec, "securityContext")
		app := kind == "Deployment" && appServices[strings.TrimSuffix(name, "-service")]
		pod := podInfo{labels: m(d, "spec", "template", "metadata", "labels"), ports: map[string]bool{}}
		if app && spec["terminationGracePeriodSeconds"] == nil {
			c.fail("%s: %s/%s: terminationGracePeriodSeconds not set (must cover the service's drain)", r.name, kind, name)
		}
		var containers []any
		containers = append(containers, list(spec["initContainers"])...)
		containers = append(containers, list(spec["containers"])...)
		for i, ct := range containers {
			ctr := ct.(obj)
			where := fmt.Sprintf("%s/%s container %s", kind, name, ctr["name"])
			ports := map[string]bool{}
			for _, p := range list(ctr["ports"]) {
				po := p.(obj)
				ports[portString(po["containerPort"])] = true
				if n := str(po["name"]); n != "" {
					ports[n] = true
				}
			}
			for p := range ports {
				pod.ports[p] = true
			}
			res := m(ctr, "resources")
			if !hasAll(res["requests"], "cpu", "memory") || !hasAll(res["limits"], "cpu", "memory") {
				c.fail("%s: %s: resources.requests and .limits need cpu and memory", r.name, where)
			}
			sc := m(ctr, "securityContext")
			if sc["allowPrivilegeEscalation"] != false {
				c.fail("%s: %s: securityContext.allowPrivilegeEscalation must be false", r.name, where)
			}
			if drop := list(m(sc, "capabilities")["drop"]); len(drop) == 0 || drop[0] != "ALL" {
				c.fail("%s: %s: securityContext.capabilities.drop must be [ALL]", r.name, where)
			}
			if sc["runAsNonRoot"] != true && podSC["runAsNonRoot"] != true {
				c.fail("%s: %s: runAsNonRoot must be true (pod or container)", r.name, where)
			}
			// The namespace enforces the restricted Pod Security Standard, which also wants this.
			t := str(m(sc, "seccompProfile")["type"]) // the container's wins over the pod's
			if t == "" {
				t = str(m(podSC, "seccompProfile")["type"])
			}
			if t != "RuntimeDefault" && t != "Localhost" {
				c.fail("%s: %s: seccompProfile.type must be RuntimeDefault (pod or container)", r.name, where)
			}
			isMain := i >= len(list(spec["initContainers"]))
			if app && sc["readOnlyRootFilesystem"] != true {
				c.fail("%s: %s: readOnlyRootFilesystem must be true", r.name, where)
			}
			if app && isMain && (ctr["livenessProbe"] == nil || ctr["readinessProbe"] == nil) {
				c.fail("%s: %s: needs a livenessProbe and a readinessProbe", r.name, where)
			}
			if app && r.name == "kind" && ctr["imagePullPolicy"] != "Never" {
				c.fail("%s: %s: imagePullPolicy must be Never (images are side-loaded with kind load)", r.name, where)
			}
			for _, probe := range []string{"livenessProbe", "readinessProbe", "startupProbe"} {
				pr := m(ctr, probe)
				if pr == nil {
					continue
				}
				for _, h := range []string{"httpGet", "tcpSocket", "grpc"} {
					if hp := m(pr, h); hp != nil && !ports[portString(hp["port"])] {
						c.fail("%s: %s: %s.%s.port %v is not a containerPort of this container", r.name, where, probe, h, hp["port"])
					}
				}
			}
		}
		pods = append(pods, pod)
	}
	// Every Service port must land on a port some selected pod declares.
	for _, d := range r.docs {
		if d["kind"] != "Service" {
			continue
		}
		name, sel := str(m(d, "metadata")["name"]), m(d, "spec", "selector")
		if len(sel) == 0 {
			continue
		}
		for _, p := range list(m(d, "spec")["ports"]) {
			po := p.(obj)
			target := po["targetPort"]
			if target == nil {
				target = po["port"]
			}
			found := false
			for _, pod := range pods {
				match := true
				for k, v := range sel {
					if pod.labels[k] != v {
						match = false
					}
				}
				if match && pod.ports[portString(target)] {
					found = true
				}
			}
			if !found {
				c.fail("%s: Service/%s port %v: no selected pod has containerPort %v", r.name, name, po["port"], target)
			}
		}
	}
}

// printEnv runs `np-<service> --print-env` with exactly `env` (nothing inherited) in an empty
// directory (the services also read ./.env): what it lists can depend on the settings, e.g.
// kubepulse reads the Postgres variables only with KUBEPULSE_PROBE_INFRA=true.
func printEnv(bin string, env map[string]string) ([]string, error) {
	dir, err := os.MkdirTemp("", "np-print-env")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--print-env")
	cmd.Dir = dir
	cmd.Env = []string{}
	// Sanitizer settings of an asan build pass through: they change nothing the service reads.
	for _, k := range []string{"ASAN_OPTIONS", "LSAN_OPTIONS", "UBSAN_OPTIONS"} {
		if v, ok := os.LookupEnv(k); ok {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
	}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.Output()
	if err != nil {
		// A binary built before --print-env existed ignores the flag and serves (until killed).
		return nil, fmt.Errorf("%s --print-env: %v (a build older than --print-env? rebuild it)", bin, err)
	}
	var names []string
	for _, l := range strings.Split(string(out), "\n") {
		if l = strings.TrimSpace(l); l == "" {
			continue
		}
		if !keyRe.MatchString(l) {
			return nil, fmt.Errorf("%s --print-env printed %q, not a variable name", bin, l)
		}
		names = append(names, l)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%s --print-env listed nothing", bin)
	}
	return names, nil
}

func runCheck(args []string) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	var bins, settingsDirs multi
	fs.Var(&bins, "bin", "SERVICE=PATH of np-<service> (repeatable)")
	composeFile := fs.String("compose", "", "output of docker compose config --format json")
	allowFile := fs.String("allow", "", "allowlist: lines 'SERVICE VAR  # reason' (SERVICE * = all)")
	fs.Var(&settingsDirs, "settings", "directory whose <service>.env may hold only variables that service reads (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	c := &checker{}

	binOf := map[string]string{}
	var services []string
	for _, b := range bins {
		svc, path, ok := strings.Cut(b, "=")
		if !ok {
			return fmt.Errorf("-bin %q: want SERVICE=PATH", b)
		}
		abs, err := filepath.Abs(path) // it runs in a temporary directory
		if err != nil {
			return err
		}
		binOf[svc] = abs
		services = append(services, svc)
	}
	sort.Strings(services)
	if len(services) == 0 {
		return errors.New("no -bin given")
	}
	appServices := map[string]bool{}
	for _, s := range services {
		appServices[s] = true
	}

	// Deliberately unset variables.
	allowed := map[string]map[string]bool{}
	allowUsed := map[string]bool{}
	if *allowFile != "" {
		lines, err := readLines(*allowFile)
		if err != nil {
			return err
		}
		for _, l := range lines {
			l, _, _ = strings.Cut(l, "#")
			f := strings.Fields(l)
			if len(f) == 0 {
				continue
			}
			if len(f) != 2 {
				return fmt.Errorf("%s: %q: want 'SERVICE VAR  # reason'", *allowFile, l)
			}
			if allowed[f[0]] == nil {
				allowed[f[0]] = map[string]bool{}
			}
			allowed[f[0]][f[1]] = true
		}
	}
	isAllowed := func(svc, v string) bool {
		for _, key := range []string{svc, "*"} {
			if allowed[key][v] {
				allowUsed[key+" "+v] = true
				return true
			}
		}
		return false
	}

	type target struct {
		name string
		env  func(svc string) (map[string]string, bool)
	}
	var targets []target
	if *composeFile != "" {
		data, err := os.ReadFile(*composeFile)
		if err != nil {
			return err
		}
		var cfg struct {
			Services map[string]struct {
				Environment map[string]*string `json:"environment"`
			} `json:"services"`
		}
		if err := json.Unmarshal(data, &cfg); err != nil {
			return fmt.Errorf("%s: %w", *composeFile, err)
		}
		targets = append(targets, target{"compose", func(svc string) (map[string]string, bool) {
			s, ok := cfg.Services[svc]
			out := map[string]string{}
			for k, v := range s.Environment {
				if v != nil { // null = "take it from the host", which nobody sets
					out[k] = *v
				}
			}
			return out, ok
		}})
	}
	for _, arg := range fs.Args() {
		name, file, ok := strings.Cut(arg, "=")
		if !ok {
			return fmt.Errorf("%q: want NAME=RENDERED.yaml", arg)
		}
		docs, err := loadDocs(file)
		if err != nil {
			return err
		}
		r := &render{name: name, docs: docs}
		r.index()
		c.policy(r, appServices)
		targets = append(targets, target{name, func(svc string) (map[string]string, bool) {
			for _, d := range r.docs {
				if d["kind"] != "Deployment" || str(m(d, "metadata")["name"]) != svc+"-service" {
					continue
				}
				for _, ct := range list(m(d, "spec", "template", "spec")["containers"]) {
					if str(ct.(obj)["name"]) == svc {
						return c.containerEnv(r, "Deployment/"+svc+"-service", ct.(obj)), true
					}
				}
			}
			return nil, false
		}})
	}
	if len(targets) == 0 {
		return errors.New("nothing to check: give -compose and/or NAME=RENDERED.yaml")
	}

	// Each service, in each deployment, run with that deployment's environment: everything it
	// then reads must be set there.
	readsAny := map[string]map[string]bool{}
	for _, t := range targets {
		var summary []string
		for _, svc := range services {
			env, ok := t.env(svc)
			if !ok {
				if t.name == "compose" {
					c.fail("compose: no service %s", svc)
				} else {
					c.fail("%s: no Deployment %s-service with a container %s", t.name, svc, svc)
				}
				continue
			}
			reads, err := printEnv(binOf[svc], env)
			if err != nil {
				c.fail("%s: %s: %v", t.name, svc, err)
				continue
			}
			if readsAny[svc] == nil {
				readsAny[svc] = map[string]bool{}
			}
			var missing []string
			nAllowed := 0
			for _, v := range reads {
				readsAny[svc][v] = true
				if _, set := env[v]; set {
					continue
				}
				if isAllowed(svc, v) {
					nAllowed++
				} else {
					missing = append(missing, v)
				}
			}
			for _, v := range missing {
				c.fail("%s: %s reads %s, which is not set (add it to k8s/base/settings/%s.env, or to deploy/env-allowlist.txt with the reason)", t.name, svc, v, svc)
			}
			summary = append(summary, fmt.Sprintf("%s %d/%d", svc, len(reads)-len(missing)-nAllowed, len(reads)))
		}
		fmt.Printf("  env %-9s set/read (the rest allowlisted): %s\n", t.name+":", strings.Join(summary, ", "))
	}

	// Settings files: well-formed, and no variable their service does not read (a typo would
	// otherwise sit there unnoticed while the service runs on its default).
	for _, dir := range settingsDirs {
		files, _ := filepath.Glob(filepath.Join(dir, "*.env"))
		for _, f := range files {
			keys := c.readEnvFile(f)
			svc := strings.TrimSuffix(filepath.Base(f), ".env")
			if readsAny[svc] == nil {
				continue // a shared file (infra.env), or a service whose check failed above
			}
			for k := range keys {
				if !readsAny[svc][k] {
					c.fail("%s: %s is not read by np-%s (typo, or another service's variable?)", f, k, svc)
				}
			}
		}
	}
	// An entry nothing needs is stale: remove it, so the list stays the truth. A `*` entry may name
	// a variable no service reads (yet); it is stale only once every deployment sets it.
	for svc, vars := range allowed {
		for v := range vars {
			readBySome := false
			for _, r := range readsAny {
				readBySome = readBySome || r[v]
			}
			if !allowUsed[svc+" "+v] && (svc != "*" || readBySome) {
				c.fail("%s: '%s %s' is not needed (set everywhere, or not read): remove the line", *allowFile, svc, v)
			}
		}
	}

	if len(c.problems) > 0 {
		sort.Strings(c.problems)
		for _, p := range c.problems {
			fmt.Println("  FAIL", p)
		}
		return fmt.Errorf("%d problem(s)", len(c.problems))
	}
	return nil
}
