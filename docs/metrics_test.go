package docs

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/batonhq/baton/metrics"
)

// recorder is a Registerer that keeps what is registered with it, so that
// the test sees every metric metrics.New creates, series or not.
type recorder struct{ collectors []prometheus.Collector }

func (r *recorder) Register(c prometheus.Collector) error {
	r.collectors = append(r.collectors, c)
	return nil
}

func (r *recorder) MustRegister(cs ...prometheus.Collector) {
	r.collectors = append(r.collectors, cs...)
}

func (r *recorder) Unregister(prometheus.Collector) bool { return false }

var descFields = regexp.MustCompile(`fqName: "([^"]+)".*constLabels: \{([^}]*)\}, variableLabels: \{([^}]*)\}`)

// registered returns every baton_ metric metrics.New registers, with its
// label names sorted and joined by ", ".
func registered(t *testing.T) map[string]string {
	t.Helper()
	rec := &recorder{}
	metrics.New(rec, "test")
	ch := make(chan *prometheus.Desc)
	go func() {
		for _, c := range rec.collectors {
			c.Describe(ch)
		}
		close(ch)
	}()
	out := map[string]string{}
	for d := range ch {
		m := descFields.FindStringSubmatch(d.String())
		if m == nil {
			t.Fatalf("cannot read the descriptor %s", d)
		}
		if !strings.HasPrefix(m[1], "baton_") {
			continue
		}
		var labels []string
		for _, l := range strings.Split(m[2], ",") {
			if name, _, ok := strings.Cut(l, "="); ok {
				labels = append(labels, name)
			}
		}
		for _, l := range strings.Split(m[3], ",") {
			if l != "" {
				labels = append(labels, l)
			}
		}
		slices.Sort(labels)
		out[m[1]] = strings.Join(labels, ", ")
	}
	return out
}

// documentedMetrics returns the rows of metrics.md's table: each metric with
// its labels sorted and joined by ", ".
func documentedMetrics(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, m := range rows(t, "metrics.md", regexp.MustCompile("^\\| `(baton_[a-z_]+)` \\| (gauge|counter|histogram) \\|([a-z_, ]*)\\|")) {
		labels := strings.FieldsFunc(m[3], func(r rune) bool { return r == ',' || r == ' ' })
		slices.Sort(labels)
		out[m[1]] = strings.Join(labels, ", ")
	}
	return out
}

func TestMetricsDocumentsEveryRegisteredMetricWithItsLabels(t *testing.T) {
	got, want := documentedMetrics(t), registered(t)
	if len(want) < 20 {
		t.Fatalf("metrics.New registered %d baton metrics (%v), want the 20-odd there are", len(want), slices.Sorted(maps.Keys(want)))
	}
	sameTable(t, "metrics.md", "labels", "metrics.New", got, want)
}
