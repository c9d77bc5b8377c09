package deploy

import (
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/batonhq/baton/config"
	_ "github.com/batonhq/baton/connectors/github" // registers type: github
	_ "github.com/batonhq/baton/connectors/jira"   // registers type: jira
)

// object is the part of a Kubernetes object these tests read.
type object struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name        string            `yaml:"name"`
		Labels      map[string]string `yaml:"labels"`
		Annotations map[string]string `yaml:"annotations"`
	} `yaml:"metadata"`
	Data       map[string]string `yaml:"data"`
	StringData map[string]string `yaml:"stringData"`
	Spec       struct {
		Replicas *int              `yaml:"replicas"`
		Selector map[string]any    `yaml:"selector"`
		Template podTemplate       `yaml:"template"`
		Ports    []servicePort     `yaml:"ports"`
		Strategy map[string]string `yaml:"strategy"`
	} `yaml:"spec"`
	Resources []string `yaml:"resources"` // of a kustomization
}

type servicePort struct {
	Name       string `yaml:"name"`
	Port       int    `yaml:"port"`
	TargetPort string `yaml:"targetPort"`
}

type podTemplate struct {
	Metadata struct {
		Labels      map[string]string `yaml:"labels"`
		Annotations map[string]string `yaml:"annotations"`
	} `yaml:"metadata"`
	Spec struct {
		AutomountServiceAccountToken *bool `yaml:"automountServiceAccountToken"`
		SecurityContext              struct {
			RunAsNonRoot *bool `yaml:"runAsNonRoot"`
			RunAsUser    *int  `yaml:"runAsUser"`
			FSGroup      *int  `yaml:"fsGroup"`
		} `yaml:"securityContext"`
		Containers []container `yaml:"containers"`
		Volumes    []struct {
			Name                  string                 `yaml:"name"`
			ConfigMap             *struct{ Name string } `yaml:"configMap"`
			PersistentVolumeClaim *struct {
				ClaimName string `yaml:"claimName"`
			} `yaml:"persistentVolumeClaim"`
			Secret *struct {
				SecretName  string `yaml:"secretName"`
				DefaultMode *int   `yaml:"defaultMode"`
			} `yaml:"secret"`
		} `yaml:"volumes"`
	} `yaml:"spec"`
}

type container struct {
	Args  []string `yaml:"args"`
	Ports []struct {
		Name          string `yaml:"name"`
		ContainerPort int    `yaml:"containerPort"`
	} `yaml:"ports"`
	Env []struct {
		Name      string `yaml:"name"`
		Value     string `yaml:"value"`
		ValueFrom *struct {
			SecretKeyRef *struct{ Name, Key string } `yaml:"secretKeyRef"`
		} `yaml:"valueFrom"`
	} `yaml:"env"`
	LivenessProbe   *probe `yaml:"livenessProbe"`
	ReadinessProbe  *probe `yaml:"readinessProbe"`
	SecurityContext struct {
		ReadOnlyRootFilesystem   *bool `yaml:"readOnlyRootFilesystem"`
		AllowPrivilegeEscalation *bool `yaml:"allowPrivilegeEscalation"`
	} `yaml:"securityContext"`
	VolumeMounts []struct {
		Name      string `yaml:"name"`
		MountPath string `yaml:"mountPath"`
		SubPath   string `yaml:"subPath"`
		ReadOnly  bool   `yaml:"readOnly"`
	} `yaml:"volumeMounts"`
	Resources struct {
		Requests map[string]string `yaml:"requests"`
		Limits   map[string]string `yaml:"limits"`
	} `yaml:"resources"`
}

type probe struct {
	HTTPGet struct {
		Path string `yaml:"path"`
		Port string `yaml:"port"`
	} `yaml:"httpGet"`
}

// manifests decodes every document of every YAML file under kubernetes/, by
// kind; each must have apiVersion, kind and a name.
func manifests(t *testing.T) map[string][]object {
	t.Helper()
	paths, err := filepath.Glob("kubernetes/*.yaml")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no manifests under kubernetes/ (%v)", err)
	}
	byKind := map[string][]object{}
	for _, path := range paths {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		dec := yaml.NewDecoder(f)
		for i := 0; ; i++ {
			var o object
			err := dec.Decode(&o)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s document %d: %v", path, i, err)
			}
			if o.APIVersion == "" || o.Kind == "" || (o.Metadata.Name == "" && o.Kind != "Kustomization") {
				t.Errorf("%s document %d: wants apiVersion, kind and metadata.name", path, i)
			}
			byKind[o.Kind] = append(byKind[o.Kind], o)
		}
	}
	return byKind
}

// one returns the only object of kind.
func one(t *testing.T, byKind map[string][]object, kind string) *object {
	t.Helper()
	if n := len(byKind[kind]); n != 1 {
		t.Fatalf("got %d %s objects, want 1", n, kind)
	}
	return &byKind[kind][0]
}

func TestKustomizationListsExistingFiles(t *testing.T) {
	k := one(t, manifests(t), "Kustomization")
	for _, r := range k.Resources {
		if _, err := os.Stat(filepath.Join("kubernetes", r)); err != nil {
			t.Errorf("kustomization resource %s: %v", r, err)
		}
	}
	if slices.Contains(k.Resources, "secret.example.yaml") {
		t.Error("kustomization applies the example Secret, which would overwrite real tokens")
	}
}

func TestDeploymentRunsLockedDown(t *testing.T) {
	d := one(t, manifests(t), "Deployment")
	if d.Spec.Replicas == nil || *d.Spec.Replicas != 1 || d.Spec.Strategy["type"] != "Recreate" {
		t.Errorf("replicas %v strategy %v: one writer of the SQLite file wants 1 and Recreate", d.Spec.Replicas, d.Spec.Strategy)
	}
	pod := &d.Spec.Template.Spec
	if p := pod.SecurityContext.RunAsNonRoot; p == nil || !*p {
		t.Error("pod does not set runAsNonRoot: true")
	}
	if p := pod.AutomountServiceAccountToken; p == nil || *p {
		t.Error("pod does not set automountServiceAccountToken: false (baton never calls the Kubernetes API)")
	}
	if len(pod.Containers) != 1 {
		t.Fatalf("got %d containers, want 1", len(pod.Containers))
	}
	c := &pod.Containers[0]
	if p := c.SecurityContext.ReadOnlyRootFilesystem; p == nil || !*p {
		t.Error("container does not set readOnlyRootFilesystem: true")
	}
	if p := c.SecurityContext.AllowPrivilegeEscalation; p == nil || *p {
		t.Error("container does not set allowPrivilegeEscalation: false")
	}
	ports := map[string]int{}
	for _, p := range c.Ports {
		ports[p.Name] = p.ContainerPort
	}
	for _, pr := range []struct {
		name, path string
		probe      *probe
	}{{"liveness", "/healthz", c.LivenessProbe}, {"readiness", "/readyz", c.ReadinessProbe}} {
		if pr.probe == nil || pr.probe.HTTPGet.Path != pr.path || ports[pr.probe.HTTPGet.Port] != 9464 {
			t.Errorf("%s probe %+v, want GET %s on port 9464", pr.name, pr.probe, pr.path)
		}
	}
	if a := d.Spec.Template.Metadata.Annotations; a["prometheus.io/scrape"] != "true" || a["prometheus.io/port"] != "9464" {
		t.Errorf("pod annotations %v, want prometheus.io/scrape true on port 9464", a)
	}
}

func TestDeploymentWiresConfigSecretsAndStorage(t *testing.T) {
	byKind := manifests(t)
	d := one(t, byKind, "Deployment")
	cm := one(t, byKind, "ConfigMap")
	pvc := one(t, byKind, "PersistentVolumeClaim")
	secret := one(t, byKind, "Secret")
	pod := &d.Spec.Template.Spec
	c := &pod.Containers[0]

	mounts := map[string]string{}
	for _, m := range c.VolumeMounts {
		mounts[m.Name] = m.MountPath
		if m.SubPath != "" {
			t.Errorf("volume %s is mounted with subPath %s, which never sees updates", m.Name, m.SubPath)
		}
	}
	var configDir, dataDir, secretDir string
	for _, v := range pod.Volumes {
		switch {
		case v.ConfigMap != nil && v.ConfigMap.Name == cm.Metadata.Name:
			configDir = mounts[v.Name]
		case v.PersistentVolumeClaim != nil && v.PersistentVolumeClaim.ClaimName == pvc.Metadata.Name:
			dataDir = mounts[v.Name]
		case v.Secret != nil && v.Secret.SecretName == secret.Metadata.Name:
			secretDir = mounts[v.Name]
			switch m := v.Secret.DefaultMode; {
			case m == nil:
				t.Error("Secret volume has no defaultMode; Kubernetes' default 0644 lets others read the tokens")
			case *m&0o007 != 0:
				t.Errorf("Secret volume defaultMode %#o, want one that others cannot read", *m)
			case *m&0o040 == 0:
				t.Errorf("Secret volume defaultMode %#o: the kubelet makes the files group-readable with fsGroup anyway; say 0440", *m)
			}
			checkSecretOwnership(t, pod.SecurityContext.RunAsUser, pod.SecurityContext.FSGroup)
		}
	}
	if configDir == "" || dataDir == "" || secretDir == "" {
		t.Fatalf("config mounted at %q, data at %q, tokens at %q: want the ConfigMap, the PVC and the Secret mounted", configDir, dataDir, secretDir)
	}
	args := strings.Join(c.Args, " ")
	for file := range cm.Data {
		if !strings.Contains(args, "--config "+filepath.Join(configDir, file)) {
			t.Errorf("args %q do not point --config at the ConfigMap's %s", args, file)
		}
	}
	for _, e := range c.Env {
		if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
			t.Errorf("env %s comes from a Secret: tokens are mounted as files, so that a rotated one is re-read", e.Name)
		}
	}
	checkConfig(t, cm, secret, secretDir, dataDir)
}

// checkSecretOwnership checks that baton reads the Secret's files through
// fsGroup: the kubelet mounts them owned by root with group fsGroup, so a
// non-root baton needs that group, and since it owns none of them config does
// not warn that they are group-readable (see TestGroupReadableSecretSharedByThePlatformDoesNotWarn).
func checkSecretOwnership(t *testing.T, runAsUser, fsGroup *int) {
	t.Helper()
	if runAsUser == nil || *runAsUser == 0 || fsGroup == nil {
		t.Errorf("pod runAsUser %v fsGroup %v: want a non-root user reading the Secret's root-owned files through fsGroup", runAsUser, fsGroup)
	}
}

// checkConfig loads the ConfigMap's baton configuration with baton's own
// loader, with the example Secret's keys as the files of the mounted Secret,
// and checks it listens where the probes and Prometheus look, keeps its data
// on the volume and reads every credential from a file of the Secret.
func checkConfig(t *testing.T, cm, secret *object, secretDir, dataDir string) {
	t.Helper()
	files := t.TempDir()
	for key := range secret.StringData {
		if err := os.WriteFile(filepath.Join(files, key), []byte("test-"+key+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for file, data := range cm.Data {
		if strings.Contains(data, "${") {
			t.Errorf("%s expands the environment; credentials come from token_file and password_file", file)
		}
		cfg, err := config.Parse(file, []byte(strings.ReplaceAll(data, secretDir+"/", files+"/")))
		if err != nil {
			t.Errorf("ConfigMap %s: %v", file, err)
			continue
		}
		host, port, err := net.SplitHostPort(cfg.Listen)
		if err != nil || port != "9464" || host == "127.0.0.1" || host == "localhost" {
			t.Errorf("%s: listen %q, want port 9464 on an address the kubelet can reach", file, cfg.Listen)
		}
		if filepath.Dir(cfg.Storage.Path) != dataDir {
			t.Errorf("%s: storage.path %q, want a file in the data volume %s", file, cfg.Storage.Path, dataDir)
		}
		for _, s := range cfg.Sources {
			if filepath.Dir(s.TokenFile) != files || s.Token.Reveal() != "test-"+filepath.Base(s.TokenFile) {
				t.Errorf("%s: source %s reads its token from %q, want a file of the Secret under %s", file, s.Name, s.TokenFile, secretDir)
			}
		}
		if p := cfg.Rollup.SMTP; p.Username != "" && (filepath.Dir(p.PasswordFile) != files || p.Password.Reveal() != "test-"+filepath.Base(p.PasswordFile)) {
			t.Errorf("%s: the SMTP password comes from %q, want a file of the Secret under %s", file, p.PasswordFile, secretDir)
		}
	}
}

// TestMemoryMatchesTheDocumentedPeak checks the Deployment's memory against
// the 200,000-issue row of docs/benchmarks.md's sizing table: the request
// and limit it gives, a request that covers the measured peak RSS of
// `baton serve`, a limit half as much again, and the Go soft limit baton
// sets from it (90%, automemlimit; or GOMEMLIMIT when the Deployment sets
// it) above the peak, so that the collector does not run flat out.
func TestMemoryMatchesTheDocumentedPeak(t *testing.T) {
	row := sizingRow(t, "200,000 issues")
	peak := megabytes(t, row["serve: peak RSS"])
	c := one(t, manifests(t), "Deployment").Spec.Template.Spec.Containers[0]
	reqQ, limQ := c.Resources.Requests["memory"], c.Resources.Limits["memory"]
	if reqQ != strings.Trim(row["memory request"], "`") || limQ != strings.Trim(row["memory limit"], "`") {
		t.Errorf("memory request %s, limit %s; docs/benchmarks.md's sizing table gives %s and %s", reqQ, limQ, row["memory request"], row["memory limit"])
	}
	request, limit := bytes(t, reqQ), bytes(t, limQ)
	if request < peak || limit < 1.5*peak {
		t.Errorf("memory request %.0f MB, limit %.0f MB; the documented peak RSS is %.0f MB: want a request of at least that and a limit of 1.5 times it",
			request/1e6, limit/1e6, peak/1e6)
	}
	soft := 0.9 * limit
	for _, e := range c.Env {
		if e.Name == "GOMEMLIMIT" {
			soft = bytes(t, strings.TrimSuffix(e.Value, "B"))
		}
	}
	if soft <= peak || soft >= limit {
		t.Errorf("Go soft memory limit %.0f MB, want it between the peak %.0f MB and the limit %.0f MB", soft/1e6, peak/1e6, limit/1e6)
	}
}

// sizingRow returns the row of docs/benchmarks.md's sizing table whose
// first cell is first, by column header.
func sizingRow(t *testing.T, first string) map[string]string {
	t.Helper()
	doc, err := os.ReadFile("../docs/benchmarks.md")
	if err != nil {
		t.Fatal(err)
	}
	cells := func(line string) []string {
		cs := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
		for i := range cs {
			cs[i] = strings.TrimSpace(cs[i])
		}
		return cs
	}
	_, table, ok := strings.Cut(string(doc), "\n## Sizing\n")
	if !ok {
		t.Fatal("docs/benchmarks.md has no ## Sizing section")
	}
	var header []string
	for _, line := range strings.Split(table, "\n") {
		if !strings.HasPrefix(line, "|") {
			continue
		}
		cs := cells(line)
		if header == nil {
			header = cs
			continue
		}
		if cs[0] == first && len(cs) == len(header) {
			row := map[string]string{}
			for i, h := range header {
				row[h] = cs[i]
			}
			return row
		}
	}
	t.Fatalf("docs/benchmarks.md's sizing table has no row %q", first)
	return nil
}

// megabytes reads "312 MB" as bytes.
func megabytes(t *testing.T, s string) float64 {
	t.Helper()
	n, err := strconv.ParseFloat(strings.TrimSuffix(strings.Trim(s, "*"), " MB"), 64)
	if err != nil {
		t.Fatalf("%q: want a number of MB", s)
	}
	return n * 1e6
}

// bytes reads a Kubernetes memory quantity in Mi or Gi (or GOMEMLIMIT's MiB
// and GiB, less their B).
func bytes(t *testing.T, q string) float64 {
	t.Helper()
	for suffix, unit := range map[string]float64{"Mi": 1 << 20, "Gi": 1 << 30} {
		if n, ok := strings.CutSuffix(q, suffix); ok {
			v, err := strconv.ParseFloat(n, 64)
			if err == nil {
				return v * unit
			}
		}
	}
	t.Errorf("memory quantity %q: want a number of Mi or Gi", q)
	return 0
}

func TestServiceExposesMetricsPort(t *testing.T) {
	byKind := manifests(t)
	svc := one(t, byKind, "Service")
	d := one(t, byKind, "Deployment")
	for k, v := range svc.Spec.Selector {
		if d.Spec.Template.Metadata.Labels[k] != v {
			t.Errorf("service selector %s=%v does not match the pod labels %v", k, v, d.Spec.Template.Metadata.Labels)
		}
	}
	if len(svc.Spec.Ports) != 1 || svc.Spec.Ports[0].Port != 9464 || svc.Spec.Ports[0].TargetPort != "http" {
		t.Errorf("service ports %+v, want 9464 to the pod's http port", svc.Spec.Ports)
	}
	if a := svc.Metadata.Annotations; a["prometheus.io/scrape"] != "true" || a["prometheus.io/port"] != "9464" {
		t.Errorf("service annotations %v, want prometheus.io/scrape true on port 9464", a)
	}
}
