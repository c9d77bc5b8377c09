package deploy

import (
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
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
		SecurityContext struct {
			RunAsNonRoot *bool `yaml:"runAsNonRoot"`
		} `yaml:"securityContext"`
		Containers []container `yaml:"containers"`
		Volumes    []struct {
			Name                  string                 `yaml:"name"`
			ConfigMap             *struct{ Name string } `yaml:"configMap"`
			PersistentVolumeClaim *struct {
				ClaimName string `yaml:"claimName"`
			} `yaml:"persistentVolumeClaim"`
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
	} `yaml:"volumeMounts"`
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
	}
	var configDir, dataDir string
	for _, v := range pod.Volumes {
		switch {
		case v.ConfigMap != nil && v.ConfigMap.Name == cm.Metadata.Name:
			configDir = mounts[v.Name]
		case v.PersistentVolumeClaim != nil && v.PersistentVolumeClaim.ClaimName == pvc.Metadata.Name:
			dataDir = mounts[v.Name]
		}
	}
	if configDir == "" || dataDir == "" {
		t.Fatalf("config mounted at %q, data at %q: want the ConfigMap and the PVC mounted", configDir, dataDir)
	}
	args := strings.Join(c.Args, " ")
	for file := range cm.Data {
		if !strings.Contains(args, "--config "+filepath.Join(configDir, file)) {
			t.Errorf("args %q do not point --config at the ConfigMap's %s", args, file)
		}
	}

	env := map[string]bool{}
	for _, e := range c.Env {
		if e.Value != "" {
			t.Errorf("env %s has a literal value; credentials come from the Secret", e.Name)
		}
		ref := e.ValueFrom
		if ref == nil || ref.SecretKeyRef == nil || ref.SecretKeyRef.Name != secret.Metadata.Name {
			t.Errorf("env %s does not come from Secret %s", e.Name, secret.Metadata.Name)
			continue
		}
		if _, ok := secret.StringData[ref.SecretKeyRef.Key]; !ok {
			t.Errorf("env %s reads key %s, which the example Secret lacks", e.Name, ref.SecretKeyRef.Key)
		}
		env[e.Name] = true
	}
	for _, data := range cm.Data {
		for _, m := range regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)`).FindAllStringSubmatch(data, -1) {
			if !env[m[1]] {
				t.Errorf("config uses ${%s}, which the Deployment does not set", m[1])
			}
		}
	}
	checkConfig(t, cm, env, dataDir)
}

// checkConfig loads the ConfigMap's baton configuration with baton's own
// loader and checks it listens where the probes and Prometheus look and keeps
// its data on the volume.
func checkConfig(t *testing.T, cm *object, env map[string]bool, dataDir string) {
	t.Helper()
	for name := range env {
		t.Setenv(name, "test-"+strings.ToLower(name))
	}
	for file, data := range cm.Data {
		cfg, err := config.Parse(file, []byte(data))
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
	}
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
