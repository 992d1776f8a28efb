// np-deploylint monitoring: the checks of the Prometheus rules and the Grafana dashboard that
// promtool cannot make (scripts/lint-deploy.sh runs promtool check/test rules itself).
//
//	np-deploylint monitoring -src DIR... -rules FILE... -tests FILE... -dashboard FILE... [-root DIR] [-promql-out FILE]
//	np-deploylint monitoring -src DIR... -list    (the metrics the code registers)
//
// Checks:
//
//   - Every metric name an expression uses (alert and recording rules, the tests' input series and
//     PromQL, the dashboard's queries) is registered by the code: the AddCounter/AddGauge/
//     AddHistogram calls in the C++ sources under -src (tests and fuzzers left out), with
//     "nationpulse_" + service + "_..." expanded for every service the code passes to
//     RegisterMetrics(registry, "<service>") or as metrics_service (so for all four, even where a
//     service does not use that library). Histograms also have _bucket, _sum and _count.
//     Recording-rule names and Prometheus' own series (up, ALERTS, ...) are allowed too. Functions
//     must be PromQL functions (a typo such as rat( is an error, not a metric).
//   - Every alert has a severity label (critical, warning, info), summary and description
//     annotations, and a runbook_url "<file>#<anchor>" whose file (relative to -root) has a
//     Markdown heading with that anchor (GitHub's rules).
//   - Every alert has at least one test case in which it fires and one in which it stays silent,
//     and every alertname in the tests is an alert of the rules (promtool passes a test of a
//     misspelt alert that expects nothing).
//   - The dashboard is valid JSON, its panel ids are unique, and every Prometheus datasource is
//     the ${DS_PROMETHEUS} variable, which the dashboard defines. -promql-out writes its queries
//     as a rule file, so that promtool check rules parses them.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

type metricDef struct {
	kind  string // counter, gauge, histogram
	where string // file:line
}

// ------------------------------------------------------------------------------ C++ sources

// stripCppComments blanks // and /* */ comments (keeping newlines, so line numbers stay) and
// leaves string and character literals alone, raw strings included.
func stripCppComments(src string) string {
	b := []byte(src)
	out := make([]byte, len(b))
	copy(out, b)
	blank := func(from, to int) {
		for k := from; k < to && k < len(out); k++ {
			if out[k] != '\n' {
				out[k] = ' '
			}
		}
	}
	for i := 0; i < len(b); {
		switch {
		case b[i] == '/' && i+1 < len(b) && b[i+1] == '/':
			j := i
			for j < len(b) && b[j] != '\n' {
				j++
			}
			blank(i, j)
			i = j
		case b[i] == '/' && i+1 < len(b) && b[i+1] == '*':
			j := strings.Index(src[i+2:], "*/")
			end := len(b)
			if j >= 0 {
				end = i + 2 + j + 2
			}
			blank(i, end)
			i = end
		case b[i] == 'R' && i+1 < len(b) && b[i+1] == '"' && (i == 0 || !isIdent(b[i-1])):
			open := strings.IndexByte(src[i+2:], '(')
			if open < 0 {
				i++
				continue
			}
			delim := src[i+2 : i+2+open]
			closing := ")" + delim + `"`
			j := strings.Index(src[i+2+open:], closing)
			if j < 0 {
				i = len(b)
			} else {
				i = i + 2 + open + j + len(closing)
			}
		case b[i] == '"' || b[i] == '\'':
			q := b[i]
			j := i + 1
			for j < len(b) && b[j] != q && b[j] != '\n' {
				if b[j] == '\\' {
					j++
				}
				j++
			}
			i = j + 1
		default:
			i++
		}
	}
	return string(out)
}

func isIdent(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

var (
	addCallRe  = regexp.MustCompile(`\.\s*Add(Counter|Gauge|Histogram)\s*\(\s*`)
	litArgRe   = regexp.MustCompile(`^"([^"\\]*)"\s*[,)]`)
	svcArgRe   = regexp.MustCompile(`^"nationpulse_"\s*\+\s*\w+\s*\+\s*"(\w+)"\s*[,)]`)
	varArgRe   = regexp.MustCompile(`^(\w+)\s*\+\s*"(\w+)"\s*[,)]`)
	prefixVar  = regexp.MustCompile(`(\w+)\s*=\s*"nationpulse_"\s*\+\s*\w+\s*\+\s*"(\w*)"\s*;`)
	serviceArg = regexp.MustCompile(`RegisterMetrics\s*\(\s*[^,()]+,\s*"(\w+)"\s*\)|metrics_service\s*=\s*"(\w+)"`)
	metricName = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)
)

// registeredMetrics reads the metric registrations of the C++ sources under dirs.
func registeredMetrics(dirs []string, c *checker) (map[string]metricDef, []string) {
	type pending struct {
		kind, suffix, where string
	}
	var perService []pending
	defs := map[string]metricDef{}
	services := map[string]bool{}
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			name := d.Name()
			if d.IsDir() {
				if name == "tests" || name == "testdata" {
					return filepath.SkipDir
				}
				return nil
			}
			if !strings.HasSuffix(name, ".cpp") && !strings.HasSuffix(name, ".hpp") ||
				strings.HasSuffix(name, "test.cpp") || strings.Contains(name, "fuzz") {
				return nil
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			src := stripCppComments(string(data))
			for _, m := range serviceArg.FindAllStringSubmatch(src, -1) {
				services[m[1]+m[2]] = true
			}
			prefixes := map[string]string{}
			for _, m := range prefixVar.FindAllStringSubmatch(src, -1) {
				prefixes[m[1]] = m[2]
			}
			for _, loc := range addCallRe.FindAllStringSubmatchIndex(src, -1) {
				kind := strings.ToLower(src[loc[2]:loc[3]])
				rest := src[loc[1]:]
				where := fmt.Sprintf("%s:%d", path, strings.Count(src[:loc[0]], "\n")+1)
				if m := litArgRe.FindStringSubmatch(rest); m != nil {
					if !metricName.MatchString(m[1]) {
						c.fail("%s: %q is not a metric name", where, m[1])
						continue
					}
					defs[m[1]] = metricDef{kind, where}
				} else if m := svcArgRe.FindStringSubmatch(rest); m != nil {
					perService = append(perService, pending{kind, m[1], where})
				} else if m := varArgRe.FindStringSubmatch(rest); m != nil && prefixes[m[1]] != "" {
					perService = append(perService, pending{kind, prefixes[m[1]] + m[2], where})
				} else {
					c.fail("%s: cannot work out the metric name of this Add%s call: use a literal, "+
						"\"nationpulse_\" + service + \"_...\", or extend tools/deploylint/monitoring.go",
						where, src[loc[2]:loc[3]])
				}
			}
			return nil
		})
		if err != nil {
			c.fail("%v", err)
		}
	}
	var svcs []string
	for s := range services {
		svcs = append(svcs, s)
	}
	sort.Strings(svcs)
	if len(perService) > 0 && len(svcs) == 0 {
		c.fail("no RegisterMetrics(registry, \"<service>\") or metrics_service in %v: cannot expand \"nationpulse_\" + service", dirs)
	}
	for _, p := range perService {
		for _, s := range svcs {
			defs["nationpulse_"+s+p.suffix] = metricDef{p.kind, p.where}
		}
	}
	return defs, svcs
}

// ------------------------------------------------------------------------------------ PromQL

var promqlFunctions = setOf(
	// aggregations
	"sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk",
	"quantile", "limitk", "limit_ratio",
	// functions
	"abs", "absent", "absent_over_time", "acos", "acosh", "asin", "asinh", "atan", "atanh", "avg_over_time",
	"ceil", "changes", "clamp", "clamp_max", "clamp_min", "cos", "cosh", "count_over_time", "day_of_month",
	"day_of_week", "day_of_year", "days_in_month", "deg", "delta", "deriv", "exp", "floor", "histogram_avg",
	"histogram_count", "histogram_fraction", "histogram_quantile", "histogram_stddev", "histogram_stdvar",
	"histogram_sum", "hour", "idelta", "increase", "irate", "label_join", "label_replace", "last_over_time",
	"ln", "log10", "log2", "mad_over_time", "max_over_time", "min_over_time", "minute", "month", "pi",
	"predict_linear", "present_over_time", "quantile_over_time", "rad", "rate", "resets", "round", "scalar",
	"sgn", "sin", "sinh", "sort", "sort_desc", "sort_by_label", "sort_by_label_desc", "sqrt",
	"stddev_over_time", "stdvar_over_time", "sum_over_time", "tan", "tanh", "time", "timestamp", "vector",
	"year", "double_exponential_smoothing", "holt_winters",
	// @ modifiers
	"start", "end",
)

var promqlKeywords = setOf("by", "without", "on", "ignoring", "group_left", "group_right", "bool",
	"offset", "and", "or", "unless", "atan2", "inf", "nan")

// Series Prometheus writes itself.
var prometheusSeries = setOf("up", "scrape_duration_seconds", "scrape_samples_scraped",
	"scrape_samples_post_metric_relabeling", "scrape_series_added", "ALERTS", "ALERTS_FOR_STATE")

func setOf(names ...string) map[string]bool {
	s := map[string]bool{}
	for _, n := range names {
		s[n] = true
	}
	return s
}

var (
	grafanaVarRe = regexp.MustCompile(`\$\{[^}]*\}|\$\$?[A-Za-z_]\w*|\[\[[^\]]*\]\]`)
	stringLitRe  = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|` + "`[^`]*`")
	bracesRe     = regexp.MustCompile(`\{[^{}]*\}`)
	bracketsRe   = regexp.MustCompile(`\[[^\[\]]*\]`)
	groupingRe   = regexp.MustCompile(`\b(by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)`)
	identRe      = regexp.MustCompile(`[A-Za-z_:][A-Za-z0-9_:]*`)
)

// exprRefs returns the metric names an expression selects and the unknown functions it calls.
// Label matchers, strings, durations, grouping labels and Grafana variables are not names.
func exprRefs(expr string) (metrics, badFuncs []string) {
	e := grafanaVarRe.ReplaceAllString(expr, " ")
	e = stringLitRe.ReplaceAllString(e, `""`)
	e = bracesRe.ReplaceAllString(e, "{}")
	e = bracketsRe.ReplaceAllString(e, "[]")
	e = groupingRe.ReplaceAllString(e, " ")
	for _, loc := range identRe.FindAllStringIndex(e, -1) {
		tok := e[loc[0]:loc[1]]
		if loc[0] > 0 && (e[loc[0]-1] >= '0' && e[loc[0]-1] <= '9' || e[loc[0]-1] == '.') {
			continue // 1e3, 0x1f, 5m
		}
		next := strings.TrimLeft(e[loc[1]:], " \t\r\n")
		switch {
		case promqlKeywords[strings.ToLower(tok)]:
		case strings.HasPrefix(next, "("):
			if !promqlFunctions[tok] {
				badFuncs = append(badFuncs, tok)
			}
		default:
			metrics = append(metrics, tok)
		}
	}
	return metrics, badFuncs
}

// ----------------------------------------------------------------------------------- checks

type refChecker struct {
	c        *checker
	defs     map[string]metricDef
	recorded map[string]bool
	used     map[string]bool
}

func (r *refChecker) known(name string) bool {
	if r.defs[name].kind != "" || r.recorded[name] || prometheusSeries[name] {
		return true
	}
	for _, suffix := range []string{"_bucket", "_sum", "_count"} {
		if base, ok := strings.CutSuffix(name, suffix); ok && r.defs[base].kind == "histogram" {
			return true
		}
	}
	return false
}

func (r *refChecker) expr(where, expr string) {
	metrics, badFuncs := exprRefs(expr)
	for _, f := range badFuncs {
		r.c.fail("%s: %s( is not a PromQL function", where, f)
	}
	for _, name := range metrics {
		r.used[name] = true
		if !r.known(name) {
			r.c.fail("%s: metric %s is not registered by the code%s", where, name, r.suggest(name))
		}
	}
}

func (r *refChecker) suggest(name string) string {
	best, bestD := "", len(name)/3+1
	consider := func(n string) {
		if d := levenshtein(name, n); d < bestD {
			best, bestD = n, d
		}
	}
	for n, d := range r.defs {
		consider(n)
		if d.kind == "histogram" {
			for _, s := range []string{"_bucket", "_sum", "_count"} {
				consider(n + s)
			}
		}
	}
	for n := range r.recorded {
		consider(n)
	}
	if best == "" {
		return " (nor a recording rule)"
	}
	return fmt.Sprintf(" (did you mean %s?)", best)
}

func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

type ruleFile struct {
	Groups []struct {
		Name  string `yaml:"name"`
		Rules []struct {
			Record      string            `yaml:"record"`
			Alert       string            `yaml:"alert"`
			Expr        string            `yaml:"expr"`
			Labels      map[string]string `yaml:"labels"`
			Annotations map[string]string `yaml:"annotations"`
		} `yaml:"rules"`
	} `yaml:"groups"`
}

type testFile struct {
	Tests []struct {
		Name        string `yaml:"name"`
		InputSeries []struct {
			Series string `yaml:"series"`
		} `yaml:"input_series"`
		AlertRuleTest []struct {
			Alertname string `yaml:"alertname"`
			EvalTime  string `yaml:"eval_time"`
			ExpAlerts []any  `yaml:"exp_alerts"`
		} `yaml:"alert_rule_test"`
		PromqlExprTest []struct {
			Expr string `yaml:"expr"`
		} `yaml:"promql_expr_test"`
	} `yaml:"tests"`
}

// markdownAnchors returns the anchors GitHub gives the headings of a Markdown file.
func markdownAnchors(path string) (map[string]bool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	anchors := map[string]bool{}
	seen := map[string]int{}
	inFence := false
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			inFence = !inFence
			continue
		}
		if inFence || !strings.HasPrefix(line, "#") {
			continue
		}
		text := strings.TrimSpace(strings.TrimLeft(line, "#"))
		var slug strings.Builder
		for _, r := range strings.ToLower(text) {
			switch {
			case r == ' ':
				slug.WriteRune('-')
			case r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127:
				slug.WriteRune(r)
			}
		}
		s := slug.String()
		if n := seen[s]; n > 0 {
			anchors[fmt.Sprintf("%s-%d", s, n)] = true
		} else {
			anchors[s] = true
		}
		seen[s]++
	}
	return anchors, nil
}

func runMonitoring(args []string) error {
	fset := flag.NewFlagSet("monitoring", flag.ContinueOnError)
	var srcDirs, ruleFiles, testFiles, dashboards multi
	fset.Var(&srcDirs, "src", "directory of C++ sources registering metrics (repeatable)")
	fset.Var(&ruleFiles, "rules", "Prometheus rule file (repeatable)")
	fset.Var(&testFiles, "tests", "promtool test file (repeatable)")
	fset.Var(&dashboards, "dashboard", "Grafana dashboard JSON (repeatable)")
	root := fset.String("root", ".", "directory runbook_url paths are relative to")
	listOnly := fset.Bool("list", false, "only print the metrics the code registers (name, type, where)")
	promqlOut := fset.String("promql-out", "", "write the dashboards' queries, Grafana variables replaced, as a rule file for `promtool check rules`")
	if err := fset.Parse(args); err != nil {
		return err
	}
	if len(srcDirs) == 0 || len(ruleFiles) == 0 && !*listOnly {
		return fmt.Errorf("want at least one -src and one -rules")
	}
	c := &checker{}
	defs, services := registeredMetrics(srcDirs, c)
	if *listOnly {
		var names []string
		for n := range defs {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Printf("%-60s %-9s %s\n", n, defs[n].kind, defs[n].where)
		}
		for _, p := range c.problems {
			fmt.Println("  FAIL", p)
		}
		return nil
	}
	r := &refChecker{c: c, defs: defs, recorded: map[string]bool{}, used: map[string]bool{}}

	// Rules: recording names first (an expression may use one defined later).
	type alertInfo struct{ where string }
	alerts := map[string]alertInfo{}
	var rules []ruleFile
	for _, path := range ruleFiles {
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var rf ruleFile
		if err := yaml.Unmarshal(data, &rf); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		rules = append(rules, rf)
		for _, g := range rf.Groups {
			for _, rule := range g.Rules {
				if rule.Record != "" {
					r.recorded[rule.Record] = true
				}
			}
		}
	}
	anchorsOf := map[string]map[string]bool{}
	nRecords := 0
	for i, rf := range rules {
		path := ruleFiles[i]
		for _, g := range rf.Groups {
			for _, rule := range g.Rules {
				if rule.Record != "" {
					nRecords++
					where := fmt.Sprintf("%s: record %s", path, rule.Record)
					if strings.Count(rule.Record, ":") < 2 {
						c.fail("%s: name it level:metric:operations (two colons)", where)
					}
					r.expr(where, rule.Expr)
					continue
				}
				where := fmt.Sprintf("%s: alert %s", path, rule.Alert)
				alerts[rule.Alert] = alertInfo{where}
				r.expr(where, rule.Expr)
				switch rule.Labels["severity"] {
				case "critical", "warning", "info":
				default:
					c.fail("%s: label severity must be critical, warning or info, not %q", where, rule.Labels["severity"])
				}
				for _, a := range []string{"summary", "description", "runbook_url"} {
					if strings.TrimSpace(rule.Annotations[a]) == "" {
						c.fail("%s: annotation %s missing", where, a)
					}
				}
				if u := rule.Annotations["runbook_url"]; u != "" {
					file, anchor, ok := strings.Cut(u, "#")
					if !ok || anchor == "" || strings.Contains(file, "://") {
						c.fail("%s: runbook_url %q: want <file in the repository>#<heading anchor>", where, u)
						continue
					}
					if anchorsOf[file] == nil {
						a, err := markdownAnchors(filepath.Join(*root, file))
						if err != nil {
							c.fail("%s: runbook_url: %v", where, err)
							continue
						}
						anchorsOf[file] = a
					}
					if !anchorsOf[file][anchor] {
						c.fail("%s: runbook_url: %s has no heading with the anchor #%s", where, file, anchor)
					}
				}
			}
		}
	}

	// Tests: a firing and a silent case per alert, only real alerts, known input series.
	firing, silent := map[string]int{}, map[string]int{}
	for _, path := range testFiles {
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var tf testFile
		if err := yaml.Unmarshal(data, &tf); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		for _, t := range tf.Tests {
			where := fmt.Sprintf("%s: test %q", path, t.Name)
			for _, s := range t.InputSeries {
				name, _, _ := strings.Cut(s.Series, "{")
				r.expr(where+": input series", name)
			}
			for _, e := range t.PromqlExprTest {
				r.expr(where+": promql_expr_test", e.Expr)
			}
			for _, a := range t.AlertRuleTest {
				if _, ok := alerts[a.Alertname]; !ok {
					c.fail("%s: eval_time %s: %s is not an alert of %v", where, a.EvalTime, a.Alertname, []string(ruleFiles))
					continue
				}
				if len(a.ExpAlerts) > 0 {
					firing[a.Alertname]++
				} else {
					silent[a.Alertname]++
				}
			}
		}
	}
	var alertNames []string
	for name := range alerts {
		alertNames = append(alertNames, name)
	}
	sort.Strings(alertNames)
	for _, name := range alertNames {
		if firing[name] == 0 {
			c.fail("%s: no test case in which it fires (alert_rule_test with exp_alerts)", alerts[name].where)
		}
		if silent[name] == 0 {
			c.fail("%s: no test case in which it stays silent (alert_rule_test with exp_alerts: [])", alerts[name].where)
		}
	}

	// Dashboards.
	nQueries := 0
	var dashExprs []string
	for _, path := range dashboards {
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var dash any
		if err := json.Unmarshal(data, &dash); err != nil {
			if se, ok := err.(*json.SyntaxError); ok {
				line := strings.Count(string(data[:se.Offset]), "\n") + 1
				return fmt.Errorf("%s:%d: invalid JSON: %v", path, line, err)
			}
			return fmt.Errorf("%s: invalid JSON: %w", path, err)
		}
		ids := map[float64]string{}
		usesVar, definesVar := false, false
		for _, v := range list(m(dash, "templating")["list"]) {
			if vo, _ := v.(obj); vo["name"] == "DS_PROMETHEUS" && vo["type"] == "datasource" {
				definesVar = true
			}
		}
		var walk func(v any, ctx string)
		walk = func(v any, ctx string) {
			switch x := v.(type) {
			case obj:
				if t, ok := x["title"].(string); ok && x["type"] != nil {
					ctx = fmt.Sprintf("%s: panel %q", path, t)
				}
				if id, ok := x["id"].(float64); ok && x["gridPos"] != nil {
					if prev, dup := ids[id]; dup {
						c.fail("%s: panel id %v used twice (%s)", ctx, id, prev)
					}
					ids[id] = ctx
				}
				if e, ok := x["expr"].(string); ok {
					nQueries++
					r.expr(ctx, e)
					dashExprs = append(dashExprs, e)
				}
				switch ds := x["datasource"].(type) {
				case obj:
					uid, _ := ds["uid"].(string)
					if ds["type"] == "prometheus" || ds["type"] == nil {
						if uid != "${DS_PROMETHEUS}" {
							c.fail("%s: datasource uid %q: use the variable ${DS_PROMETHEUS}", ctx, uid)
						}
						usesVar = true
					}
				case string:
					if ds != "${DS_PROMETHEUS}" {
						c.fail("%s: datasource %q: use the variable ${DS_PROMETHEUS}", ctx, ds)
					}
					usesVar = true
				}
				for k, child := range x {
					if k != "datasource" {
						walk(child, ctx)
					}
				}
			case []any:
				for _, child := range x {
					walk(child, ctx)
				}
			}
		}
		walk(dash, path)
		if usesVar && !definesVar {
			c.fail("%s: templating has no datasource variable DS_PROMETHEUS (type datasource, query prometheus)", path)
		}
		if nQueries == 0 {
			c.fail("%s: no Prometheus query (expr) found", path)
		}
	}

	if *promqlOut != "" {
		if err := writePromqlRules(*promqlOut, dashExprs); err != nil {
			return err
		}
	}
	if len(c.problems) > 0 {
		sort.Strings(c.problems)
		n := 0
		for i, p := range c.problems {
			if i == 0 || p != c.problems[i-1] {
				fmt.Println("  FAIL", p)
				n++
			}
		}
		return fmt.Errorf("%d problem(s)", n)
	}
	codeUsed := 0
	for name := range r.used {
		if !r.recorded[name] && !prometheusSeries[name] {
			codeUsed++
		}
	}
	fmt.Printf("rules: %d recording rules, %d alerts, each with severity, summary, description and a runbook heading; each fires and stays silent in the tests\n",
		nRecords, len(alerts))
	fmt.Printf("metrics: the %d series names the rules, tests and %d dashboard queries use are registered by the code (%d metrics; nationpulse_<service>_ for %s)\n",
		codeUsed, nQueries, len(defs), strings.Join(services, ", "))
	return nil
}

// Grafana's interval variables, replaced by durations so promtool can parse the queries.
var grafanaIntervals = strings.NewReplacer("${__rate_interval}", "1m", "$__rate_interval", "1m",
	"${__interval}", "1m", "$__interval", "1m", "${__range}", "1h", "$__range", "1h")

// writePromqlRules writes each expression as a recording rule (dashboard:query_<n>), so that
// `promtool check rules` parses it.
func writePromqlRules(path string, exprs []string) error {
	type rule struct {
		Record string `yaml:"record"`
		Expr   string `yaml:"expr"`
	}
	var rules []rule
	for i, e := range exprs {
		rules = append(rules, rule{fmt.Sprintf("dashboard:query_%d", i+1), grafanaIntervals.Replace(e)})
	}
	doc := map[string]any{"groups": []any{map[string]any{"name": "dashboard-queries", "rules": rules}}}
	data, err := yaml.Marshal(doc)
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}
