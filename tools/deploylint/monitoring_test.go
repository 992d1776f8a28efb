package main

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestExprRefs(t *testing.T) {
	cases := []struct {
		expr     string
		metrics  []string
		badFuncs []string
	}{
		{`sum by (job, le) (rate(http_request_duration_seconds_bucket{status=~"5..", path!="/a b"}[5m]))`,
			[]string{"http_request_duration_seconds_bucket"}, nil},
		{`a / on (job) group_left(feed) b offset 1h > 1e3 and c unless d or vector(0)`,
			[]string{"a", "b", "c", "d"}, nil},
		{`time() - max(max_over_time(x[16d:1h]) or max_over_time(y[16d:1h])) > 16 * 86400`,
			[]string{"x", "y"}, nil},
		{`sum(rate(x_total[$__rate_interval])) / ${DS_PROMETHEUS} + job:recorded:rate5m`,
			[]string{"x_total", "job:recorded:rate5m"}, nil},
		{`rat(x[5m]) + Inf + NaN + 0x1f`, []string{"x"}, []string{"rat"}},
		{`label_replace(up, "dst", "$1", "src", "(.*)")`, []string{"up"}, nil},
	}
	for _, c := range cases {
		m, f := exprRefs(c.expr)
		if !reflect.DeepEqual(m, c.metrics) || !reflect.DeepEqual(f, c.badFuncs) {
			t.Errorf("exprRefs(%q) = %q, %q; want %q, %q", c.expr, m, f, c.metrics, c.badFuncs)
		}
	}
}

func TestRegisteredMetrics(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("lib/pool.cpp", `
void Pool::RegisterMetrics(Registry& registry, const std::string& service) {
  // registry.AddGauge("commented_out", "x");
  auto& g = registry.AddGauge("nationpulse_" + service + "_pool_connections", "a // b", {"state"});
  const std::string prefix = "nationpulse_" + service + "_spans_";
  registry
      .AddCounter(prefix + "dropped_total", "x");
  /* registry.AddCounter("also_commented", "y"); */
  auto url = "http://x"; registry.AddHistogram("plain_seconds", "h", {}, {1});
}`)
	write("svc/app.cpp", `pool.RegisterMetrics(registry, "bff"); Options{.metrics_service = "reporting"};`)
	write("svc/app_test.cpp", `reg.AddCounter("test_only_total", "t");`)
	write("svc/tests/x.cpp", `reg.AddCounter("tests_dir_total", "t");`)
	c := &checker{}
	defs, services := registeredMetrics([]string{dir}, c)
	if len(c.problems) > 0 {
		t.Fatal(c.problems)
	}
	if !reflect.DeepEqual(services, []string{"bff", "reporting"}) {
		t.Errorf("services = %q", services)
	}
	want := map[string]string{
		"nationpulse_bff_pool_connections": "gauge", "nationpulse_reporting_pool_connections": "gauge",
		"nationpulse_bff_spans_dropped_total": "counter", "nationpulse_reporting_spans_dropped_total": "counter",
		"plain_seconds": "histogram",
	}
	got := map[string]string{}
	for n, d := range defs {
		got[n] = d.kind
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("defs = %v, want %v", got, want)
	}

	write("svc/dynamic.cpp", `registry.AddCounter(name, "x");`)
	c = &checker{}
	registeredMetrics([]string{dir}, c)
	if len(c.problems) != 1 {
		t.Errorf("an unresolvable name must be reported, got %q", c.problems)
	}
}

func TestMarkdownAnchors(t *testing.T) {
	path := filepath.Join(t.TempDir(), "doc.md")
	text := "# Operations\n## Runbooks\n### Postgres down\n```\n# not a heading\n```\n### BFF answers 5xx\n### Checks (`make lint-deploy`)\n### Postgres down\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	a, err := markdownAnchors(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"operations", "runbooks", "postgres-down", "postgres-down-1", "bff-answers-5xx", "checks-make-lint-deploy"} {
		if !a[want] {
			t.Errorf("no anchor %q in %v", want, a)
		}
	}
	if a["not-a-heading"] {
		t.Error("a line in a code fence is not a heading")
	}
}
