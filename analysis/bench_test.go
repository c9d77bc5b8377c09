package analysis

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/internal/testtool"
	"github.com/batonhq/baton/model"
)

// synthetic builds an organisation of n issues over 10 teams (half GitHub,
// half Jira), in shuffled order, with the given number of random blocking links
// (2% of them to issues outside the scope) plus a cross-team cycle per 1,000 issues, and 5% of GitHub issues mirrored
// in Jira. The mix of statuses, priorities and dates makes every rule fire.
func synthetic(n, links int) Input {
	rng := rand.New(rand.NewPCG(7, 7))
	var teams []config.Team
	for t := range 10 {
		teams = append(teams, config.Team{Rules: testRules, Team: model.Team{
			Name:         fmt.Sprintf("team%d", t),
			GitHubRepos:  []string{fmt.Sprintf("acme/repo%d", t)},
			JiraProjects: []string{fmt.Sprintf("P%d", t)},
		}})
	}
	key := func(i int) string {
		if i%2 == 0 {
			return model.GitHubKey("acme", fmt.Sprintf("repo%d", i%10), i)
		}
		return model.JiraKey(fmt.Sprintf("P%d-%d", i%10, i))
	}
	statuses := []model.Status{model.StatusTodo, model.StatusTodo, model.StatusInProgress, model.StatusInProgress, model.StatusBlocked, model.StatusDone}
	issues := make([]model.Issue, n)
	for i := range issues {
		is := &issues[i]
		is.Key = key(i)
		is.System = systemOf(is.Key)
		is.Status = statuses[rng.IntN(len(statuses))]
		is.Priority = rng.IntN(6)
		is.Created = daysAgo(30 + rng.IntN(300))
		is.Updated = daysAgo(rng.IntN(20))
		is.StatusChanged = daysAgo(rng.IntN(40))
		if rng.IntN(4) > 0 {
			is.Assignees = []string{fmt.Sprintf("user%d", rng.IntN(500))}
		}
		switch rng.IntN(10) {
		case 0, 1, 2:
			is.Due = now.Truncate(day1).AddDate(0, 0, rng.IntN(90)-30)
		case 3, 4:
			is.Iteration = &model.Iteration{Name: "Sprint", End: now.AddDate(0, 0, rng.IntN(60)-20)}
		}
		if is.Status == model.StatusDone {
			is.Closed = daysAgo(rng.IntN(10))
			is.Resolution = model.ResolutionCompleted
			if rng.IntN(5) == 0 {
				is.Resolution = model.ResolutionDropped
			}
		}
		if rng.IntN(10) == 0 {
			for range 6 {
				is.ActivityEvents = append(is.ActivityEvents, daysAgo(rng.IntN(14)))
			}
		}
		if i%2 == 0 && rng.IntN(20) == 0 && i+1 < n {
			is.Mirrors = []string{key(i + 1)}
		}
	}
	origins := []model.Origin{model.OriginJiraLink, model.OriginGitHubDependency, model.OriginTextReference}
	for range links {
		from, to := key(rng.IntN(n)), rng.IntN(n)
		if rng.IntN(50) == 0 {
			from = model.JiraKey(fmt.Sprintf("EXT-%d", rng.IntN(n)))
		}
		issues[to].Links = append(issues[to].Links, model.Link{From: from, To: issues[to].Key, Type: model.Blocks, Origin: origins[rng.IntN(3)]})
	}
	for i := 0; i+3 < n; i += 1000 { // a blocking cycle across three teams
		for _, k := range []int{i, i + 1, i + 3} {
			issues[k].Status = model.StatusTodo
		}
		for _, l := range [][2]int{{i, i + 1}, {i + 1, i + 3}, {i + 3, i}} {
			issues[l[1]].Links = append(issues[l[1]].Links, model.Link{From: key(l[0]), To: key(l[1]), Type: model.Blocks, Origin: model.OriginTextReference})
		}
	}
	rng.Shuffle(n, func(i, j int) { issues[i], issues[j] = issues[j], issues[i] })
	return Input{Issues: issues, Teams: teams, Rules: testRules, Now: now}
}

func TestSyntheticOrganisationFiresEveryRule(t *testing.T) {
	r := Analyze(synthetic(20_000, 10_000))
	seen := map[string]int{}
	for _, f := range r.Findings {
		seen[f.Rule]++
	}
	for _, rule := range append(StalledRules, MisalignedRules...) {
		if seen[rule] == 0 {
			t.Errorf("no %s finding among %d: %v", rule, len(r.Findings), seen)
		}
	}
}

// BenchmarkAnalyze200k is the issue 7 budget: 200,000 issues with 100,000
// edges in ≤ 1 s on one core and ≤ 300 MB. Run it with
//
//	go test -run '^$' -bench Analyze200k -benchmem -cpu 1 ./analysis/
//
// cpu-ms/op is the CPU time one analysis takes, garbage collection included,
// whatever else the machine runs; B/op is what one analysis allocates; heap-MB is the live heap with the
// input and one report, input-MB the input alone. "shuffled" hands the
// issues over in random order, "sorted" in key order as a store would.
func BenchmarkAnalyze200k(b *testing.B) {
	for _, order := range []string{"shuffled", "sorted"} {
		b.Run(order, func(b *testing.B) {
			in := synthetic(200_000, 100_000)
			if order == "sorted" {
				slices.SortFunc(in.Issues, func(x, y model.Issue) int { return strings.Compare(x.Key, y.Key) })
			}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			var r *Report
			cpu0, _ := testtool.CPUTime()
			for b.Loop() {
				r = Analyze(in)
			}
			if cpu1, ok := testtool.CPUTime(); ok {
				b.ReportMetric(float64((cpu1-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(before.HeapInuse)/(1<<20), "input-MB")
			b.ReportMetric(float64(after.HeapInuse)/(1<<20), "heap-MB")
			b.ReportMetric(float64(len(r.Findings)), "findings")
			b.ReportMetric(float64(len(r.Edges)), "edges")
		})
	}
}
