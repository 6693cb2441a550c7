#!/usr/bin/env python3
"""Checks of the Helm chart's rendered manifests (scripts/chart-test.sh drives them).

  schemas OUT_DIR             kubeconform-ready JSON schemas, offline: Kubernetes' own (shipped
                              by the kubernetes-validate wheel) and Kagent's CRDs
  policy MANIFEST VALUE_SET   the chart's rules over one rendered value set
  images MANIFEST TAG         runs the built images with the environment the chart renders
"""

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import yaml

KUBERNETES_VERSION = "1.34.0"
ROOT = Path(__file__).resolve().parent.parent
# The shared copy when this checkout sits beside shared/, else the one kept with the chart.
KAGENT_CRDS = next(
    p
    for p in (ROOT.parent / "shared" / "kagent-crds-v0.9.12", ROOT / "chart" / "ci" / "kagent-crds")
    if p.is_dir()
)
# The Prometheus Operator's ServiceMonitor CRD (serviceMonitor.enabled).
PROMETHEUS_CRDS = ROOT / "chart" / "ci" / "prometheus-crds"
SECRETISH = re.compile(r"SECRET|PASSWORD|API_KEY|TOKEN|DATABASE_URL")


def fail(message: str) -> None:
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def load(manifest: str) -> list[dict]:
    with open(manifest) as f:
        return [d for d in yaml.safe_load_all(f) if d]


# --- schemas ---------------------------------------------------------------------------------


def strict(node):
    """CRD schemas allow unknown fields unless told otherwise; kubeconform -strict wants them closed."""
    if isinstance(node, dict):
        if "properties" in node and "additionalProperties" not in node and not node.get(
            "x-kubernetes-preserve-unknown-fields"
        ):
            node["additionalProperties"] = False
        for value in node.values():
            strict(value)
    elif isinstance(node, list):
        for value in node:
            strict(value)
    return node


def schemas(out: str) -> None:
    try:
        import kubernetes_validate
    except ImportError:
        fail("the Kubernetes schemas come with the kubernetes-validate wheel: pip install kubernetes-validate")

    source = (
        Path(kubernetes_validate.__file__).parent
        / "kubernetes-json-schema"
        / f"v{KUBERNETES_VERSION}-local-strict"
    )
    target = Path(out)
    target.mkdir(parents=True, exist_ok=True)
    prefix = '"/api/_definitions.json#'
    definitions = json.loads((source / "_definitions.json").read_text().replace(prefix, '"#'))["$defs"]
    ref = re.compile(r'"\$ref": "#/\$defs/([^"]+)"')
    for path in source.glob("*.json"):
        text = path.read_text()
        if path.name.startswith("_") or "kind" not in json.loads(text).get("properties", {}):
            continue
        # Standalone: each schema carries the definitions it reaches, since kubeconform does not
        # follow references into another file.
        text = text.replace(prefix, '"#')
        needed, todo = set(), ref.findall(text)
        while todo:
            name = todo.pop()
            if name not in needed:
                needed.add(name)
                todo += ref.findall(json.dumps(definitions[name]))
        schema = json.loads(text)
        schema["$defs"] = {name: definitions[name] for name in needed}
        (target / path.name).write_text(json.dumps(schema))
    for crd_file in sorted(KAGENT_CRDS.glob("*.yaml")) + sorted(PROMETHEUS_CRDS.glob("*.yaml")):
        crd = yaml.safe_load(crd_file.read_text())
        kind = crd["spec"]["names"]["kind"].lower()
        group = crd["spec"]["group"].split(".")[0]
        for version in crd["spec"]["versions"]:
            schema = strict(version["schema"]["openAPIV3Schema"])
            name = f"{kind}-{group}-{version['name']}.json"
            (target / name).write_text(json.dumps(schema))
    print(f"schemas for Kubernetes {KUBERNETES_VERSION}, Kagent's and the ServiceMonitor CRDs in {target}")


# --- policy ----------------------------------------------------------------------------------


def pod_spec(doc: dict) -> dict | None:
    kind = doc["kind"]
    if kind == "Pod":
        return doc["spec"]
    if kind in ("Deployment", "StatefulSet", "Job"):
        return doc["spec"]["template"]["spec"]
    return None


def containers(spec: dict) -> list[dict]:
    return spec.get("initContainers", []) + spec.get("containers", [])


def check_pod(doc: dict, errors: list[str]) -> None:
    name = f"{doc['kind']}/{doc['metadata']['name']}"
    spec = pod_spec(doc)
    pod_sc = spec.get("securityContext", {})
    if pod_sc.get("runAsNonRoot") is not True:
        errors.append(f"{name}: pod securityContext.runAsNonRoot is not true")
    if spec.get("automountServiceAccountToken") is not False:
        errors.append(f"{name}: mounts a service-account token it does not need")
    for volume in spec.get("volumes", []):
        allowed = {"name", "emptyDir", "secret", "configMap", "persistentVolumeClaim", "projected"}
        if set(volume) - allowed:
            errors.append(f"{name}: volume {volume['name']} is not allowed under 'restricted'")
    for c in containers(spec):
        where = f"{name} container {c['name']}"
        resources = c.get("resources", {})
        for part in ("requests", "limits"):
            if not {"cpu", "memory"} <= set(resources.get(part, {})):
                errors.append(f"{where}: no cpu and memory {part}")
        sc = c.get("securityContext", {})
        if sc.get("allowPrivilegeEscalation") is not False:
            errors.append(f"{where}: allowPrivilegeEscalation is not false")
        if sc.get("readOnlyRootFilesystem") is not True:
            errors.append(f"{where}: root filesystem is not read-only")
        if "ALL" not in sc.get("capabilities", {}).get("drop", []):
            errors.append(f"{where}: capabilities are not all dropped")
        if sc.get("capabilities", {}).get("add"):
            errors.append(f"{where}: adds capabilities")
        seccomp = sc.get("seccompProfile", pod_sc.get("seccompProfile", {}))
        if seccomp.get("type") != "RuntimeDefault":
            errors.append(f"{where}: seccompProfile is not RuntimeDefault")
        if sc.get("runAsNonRoot", pod_sc.get("runAsNonRoot")) is not True:
            errors.append(f"{where}: may run as root")
        if sc.get("privileged"):
            errors.append(f"{where}: privileged")
        image = c["image"]
        if "@sha256:" not in image and (":" not in image.rsplit("/", 1)[-1] or image.endswith(":latest")):
            errors.append(f"{where}: image {image} has no fixed tag")
        for env in c.get("env", []):
            if SECRETISH.search(env["name"]) and "value" in env:
                errors.append(f"{where}: {env['name']} is a plain value, not a secretKeyRef")
        if doc["kind"] in ("Deployment", "StatefulSet"):
            for probe in ("livenessProbe", "readinessProbe"):
                if probe not in c:
                    errors.append(f"{where}: no {probe}")
            if doc["kind"] == "Deployment":
                paths = {p: c[p]["httpGet"]["path"] for p in ("livenessProbe", "readinessProbe") if p in c}
                if paths != {"livenessProbe": "/healthz", "readinessProbe": "/readyz"}:
                    errors.append(f"{where}: probes are {paths}, not /healthz and /readyz")


def by_kind(docs: list[dict], kind: str) -> dict[str, dict]:
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


def migration_job(docs: list[dict], release: str) -> dict | None:
    """The migration Job: <release>-migrate-<hash of its pod spec>."""
    return next((j for n, j in by_kind(docs, "Job").items() if n.startswith(f"{release}-migrate-")), None)


def policy(manifest: str, value_set: str) -> None:
    docs = load(manifest)
    errors: list[str] = []
    for doc in docs:
        if pod_spec(doc) is not None:
            check_pod(doc, errors)

    deployments = by_kind(docs, "Deployment")
    release = next(iter(deployments)).rsplit("-", 1)[0]
    expected = {f"{release}-{c}" for c in ("web", "chat", "mcp")}
    if set(deployments) != expected:
        errors.append(f"Deployments are {sorted(deployments)}, expected {sorted(expected)}")
    if by_kind(docs, "Pod") and any(
        "helm.sh/hook" not in p["metadata"].get("annotations", {}) for p in by_kind(docs, "Pod").values()
    ):
        errors.append("a bare Pod that is not the helm test hook")
    for name, d in deployments.items():
        annotations = d["spec"]["template"]["metadata"].get("annotations", {})
        if not {"checksum/config", "checksum/secret"} <= set(annotations):
            errors.append(f"Deployment/{name}: no checksum annotations; config changes would not roll it")
        env = {e["name"]: e for e in d["spec"]["template"]["spec"]["containers"][0]["env"]}
        ref = env.get("BETTER_AUTH_SECRET", {}).get("valueFrom", {}).get("secretKeyRef", {})
        if ref.get("name") != f"{release}-secrets" or ref.get("key") != "BETTER_AUTH_SECRET":
            errors.append(f"Deployment/{name}: BETTER_AUTH_SECRET does not come from {release}-secrets")

    mcp_hosts = by_kind(docs, "ConfigMap")[f"{release}-config"]["data"]["TODO_MCP_ALLOWED_HOSTS"].split(",")
    if f"{release}-mcp" not in mcp_hosts:
        errors.append(f"todo-mcp's allowed hosts {mcp_hosts} lack its Service name {release}-mcp")

    job = migration_job(docs, release)
    statefulsets = by_kind(docs, "StatefulSet")
    if job is None:
        errors.append("no migration Job")
    else:
        # An ordinary resource: as a post-install hook it would wait for `helm install --wait`,
        # which waits for services that are not ready until the schema is migrated.
        hooks = job["metadata"].get("annotations", {}).get("helm.sh/hook")
        if hooks:
            errors.append(f"the migration Job is a {hooks} hook; it must run beside the pods")
        args = [c["args"] for c in containers(pod_spec(job)) if "args" in c]
        if args != [["migrate"], ["migrate"], ["migrate.mjs"]]:
            errors.append(f"the migration Job runs {args}")
    for d in list(deployments.values()) + list(statefulsets.values()) + ([job] if job else []):
        for c in containers(pod_spec(d)):
            if c.get("imagePullPolicy") != "IfNotPresent":
                errors.append(f"{d['kind']}/{d['metadata']['name']} container {c['name']}: imagePullPolicy is not IfNotPresent")
    secret = by_kind(docs, "Secret").get(f"{release}-secrets")
    if secret and "pre-install" not in secret["metadata"]["annotations"].get("helm.sh/hook", ""):
        errors.append("the generated Secret is not a pre-install hook; the migration Job could not read it")

    hpas = by_kind(docs, "HorizontalPodAutoscaler")
    pdbs = by_kind(docs, "PodDisruptionBudget")
    netpols = by_kind(docs, "NetworkPolicy")
    agents = by_kind(docs, "Agent")
    ingresses = by_kind(docs, "Ingress")
    expect = {
        "minikube": dict(hpa=set(), pdb={}, netpol=set(), agents=0, postgres=True, ingress=0),
        "neon": dict(hpa=set(), pdb={}, netpol=set(), agents=0, postgres=False, ingress=0),
        "hpa": dict(hpa={"chat", "mcp"}, pdb={"web": 1, "chat": 1, "mcp": 2}, netpol=set(), agents=0, postgres=True, ingress=0),
        "netpol": dict(hpa=set(), pdb={}, netpol={"web", "chat", "mcp", "postgres"}, agents=0, postgres=True, ingress=1),
        "kagent": dict(hpa=set(), pdb={}, netpol=set(), agents=1, postgres=True, ingress=0),
        "kagent-without-api": dict(hpa=set(), pdb={}, netpol=set(), agents=0, postgres=True, ingress=0),
        "production": dict(hpa=set(), pdb={"chat": 2}, netpol=set(), agents=0, postgres=True, ingress=0),
    }.get(value_set)
    if expect is None:
        fail(f"no expectations for value set {value_set!r}")
    strip = lambda names: {n.removeprefix(f"{release}-") for n in names}  # noqa: E731
    if strip(hpas) != expect["hpa"]:
        errors.append(f"HPAs {sorted(hpas)}, expected {sorted(expect['hpa'])}")
    for name in hpas:
        if name in deployments and "replicas" in deployments[name]["spec"]:
            errors.append(f"Deployment/{name} sets replicas although its HPA owns them")
    got_pdb = {n.removeprefix(f"{release}-"): p["spec"]["minAvailable"] for n, p in pdbs.items()}
    if got_pdb != expect["pdb"]:
        errors.append(f"PDBs (minAvailable) {got_pdb}, expected {expect['pdb']}")
    if strip(netpols) != expect["netpol"]:
        errors.append(f"NetworkPolicies {sorted(netpols)}, expected {sorted(expect['netpol'])}")
    if netpols:
        mcp_from = netpols[f"{release}-mcp"]["spec"]["ingress"][0]["from"][0]["podSelector"]["matchLabels"]
        if mcp_from.get("app.kubernetes.io/component") != "chat":
            errors.append(f"todo-mcp accepts traffic from {mcp_from}, not only todo-chat")
        chat_clients = {n for n, d in deployments.items()
                        if d["spec"]["template"]["metadata"]["labels"].get(f"{release}-chat-client") == "true"}
        if chat_clients != {f"{release}-web"}:
            errors.append(f"pods allowed to reach todo-chat: {sorted(chat_clients)}, expected only the web app")
    if len(agents) != expect["agents"]:
        errors.append(f"{len(agents)} kagent Agents, expected {expect['agents']}")
    for agent in agents.values():
        if agent["metadata"]["name"] != "todo-ops" or agent["metadata"]["namespace"] != "kagent":
            errors.append(f"the Agent is {agent['metadata']}, expected todo-ops in kagent")
        system = agent["spec"]["declarative"]["systemMessage"]
        for part in expected:
            if part not in system:
                errors.append(f"todo-ops's system message does not name {part}")
    if bool(statefulsets) != expect["postgres"]:
        errors.append(f"in-cluster PostgreSQL rendered: {bool(statefulsets)}, expected {expect['postgres']}")
    if len(ingresses) != expect["ingress"]:
        errors.append(f"{len(ingresses)} Ingresses, expected {expect['ingress']}")

    if value_set == "production":
        production(docs, release, errors)

    if errors:
        for e in errors:
            print(f"FAIL [{value_set}]: {e}", file=sys.stderr)
        sys.exit(1)
    print(f"policy [{value_set}]: {len(docs)} manifests pass")


def production(docs: list[dict], release: str, errors: list[str]) -> None:
    """chart/ci/production.yaml's knobs reach every pod they should, and only those."""
    monitors = by_kind(docs, "ServiceMonitor")
    if set(monitors) != {f"{release}-chat", f"{release}-mcp"}:
        errors.append(f"ServiceMonitors {sorted(monitors)}, expected todo-chat's and todo-mcp's")
    for m in monitors.values():
        endpoint = m["spec"]["endpoints"][0]
        if (endpoint["port"], endpoint["path"]) != ("http", "/metrics") or m["metadata"]["labels"].get("release") != "kube-prometheus-stack":
            errors.append(f"ServiceMonitor/{m['metadata']['name']}: {endpoint}, labels {m['metadata']['labels']}")
    pods = [d for d in docs if d["kind"] in ("Deployment", "StatefulSet", "Job")]
    for d in pods:
        name = f"{d['kind']}/{d['metadata']['name']}"
        spec = pod_spec(d)
        component = d["metadata"]["labels"]["app.kubernetes.io/component"]
        if spec.get("imagePullSecrets") != [{"name": "regcred"}]:
            errors.append(f"{name}: imagePullSecrets {spec.get('imagePullSecrets')}")
        want_selector = {"example.test/pool": "mcp"} if component == "mcp" else {"kubernetes.io/os": "linux"}
        if spec.get("nodeSelector") != want_selector:
            errors.append(f"{name}: nodeSelector {spec.get('nodeSelector')}, expected {want_selector}")
        if [t.get("key") for t in spec.get("tolerations", [])] != ["dedicated"] or "nodeAffinity" not in spec.get("affinity", {}):
            errors.append(f"{name}: tolerations or affinity missing")
        spread = spec.get("topologySpreadConstraints", [])
        if len(spread) != 1 or spread[0]["labelSelector"]["matchLabels"].get("app.kubernetes.io/component") != component:
            errors.append(f"{name}: topologySpreadConstraints {spread} do not select its own pods")
        annotations = d["spec"]["template"]["metadata"].get("annotations", {})
        if annotations.get("example.test/team") != "todo":
            errors.append(f"{name}: pod annotations {annotations}")
        for c in containers(spec):
            if not c["image"].startswith("ghcr.io/example/") and "postgres" not in c["image"]:
                errors.append(f"{name} container {c['name']}: image {c['image']} is not from image.registry")
    for name, d in by_kind(docs, "Deployment").items():
        c = d["spec"]["template"]["spec"]["containers"][0]
        env = {e["name"]: e for e in c["env"]}
        if env.get("RUST_LOG", {}).get("value") != "info":
            errors.append(f"Deployment/{name}: extraEnv RUST_LOG missing")
        if ("OPENAI_API_KEY" in env) != name.endswith("-chat"):
            errors.append(f"Deployment/{name}: chat.extraEnv leaked or is missing")
        if c["readinessProbe"]["periodSeconds"] != 10 or c["readinessProbe"]["timeoutSeconds"] != 3:
            errors.append(f"Deployment/{name}: readinessProbe {c['readinessProbe']} is not the merged timing")
        want_startup = 60 if name.endswith("-chat") else 30
        if c["startupProbe"]["failureThreshold"] != want_startup:
            errors.append(f"Deployment/{name}: startupProbe {c['startupProbe']}, expected failureThreshold {want_startup}")
        annotations = d["spec"]["template"]["metadata"]["annotations"]
        if ("example.test/component" in annotations) != name.endswith("-chat"):
            errors.append(f"Deployment/{name}: chat.podAnnotations leaked or are missing")


# --- images ----------------------------------------------------------------------------------


def resolve_env(container: dict, config: dict[str, str], secrets: dict[str, str]) -> dict[str, str]:
    env = {}
    for e in container.get("env", []):
        if "value" in e:
            env[e["name"]] = e["value"]
            continue
        source = e["valueFrom"]
        if "configMapKeyRef" in source:
            env[e["name"]] = config[source["configMapKeyRef"]["key"]]
        else:
            env[e["name"]] = secrets[source["secretKeyRef"]["key"]]
    return env


def docker(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["docker", *args], check=check, capture_output=True, text=True)


def wait_http(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise TimeoutError(url)


def images(manifest: str, tag: str) -> None:
    """Each Deployment's container as the chart renders it (image, env, args, port, probes),
    run from the built image with host networking, its Service names pointing at loopback; then
    the migration Job's and the helm test pod's containers, with their rendered args."""
    docs = load(manifest)
    deployments = by_kind(docs, "Deployment")
    release = next(iter(deployments)).rsplit("-", 1)[0]
    config = by_kind(docs, "ConfigMap")[f"{release}-config"]["data"]
    secrets = {
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "BETTER_AUTH_SECRET": os.environ["BETTER_AUTH_SECRET"],
    }
    hosts = [f"--add-host={release}-{c}:127.0.0.1" for c in ("web", "chat", "mcp")]
    hardened = ["--network", "host", "--read-only", "--tmpfs", "/tmp", "--cap-drop", "ALL",
                "--security-opt", "no-new-privileges", *hosts]
    started: list[str] = []

    def run(container: dict, detach: bool, name: str) -> subprocess.CompletedProcess:
        image = container["image"]
        repository = image.rsplit(":", 1)[0]
        docker("tag", f"{repository}:{tag}", image)
        env = resolve_env(container, config, secrets)
        uid = container.get("securityContext", {}).get("runAsUser", 65532)
        flags = [f"--user={uid}:{uid}", *hardened]
        for mount in container.get("volumeMounts", []):
            if mount["mountPath"] != "/tmp":
                flags += ["--tmpfs", f"{mount['mountPath']}:uid={uid}"]
        for key, value in env.items():
            flags += ["-e", f"{key}={value}"]
        if detach:
            started.append(name)
            return docker("run", "-d", "--name", name, *flags, image, *container.get("args", []))
        return docker("run", "--rm", "--name", name, *flags, image, *container.get("args", []), check=False)

    try:
        job = migration_job(docs, release)
        for c in containers(pod_spec(job)):
            if c["name"] == "wait-for-postgres":
                continue  # the official postgres image; here the database is already up
            result = run(c, detach=False, name=f"chart-{c['name']}-{os.getpid()}")
            if result.returncode != 0:
                fail(f"migration container {c['name']} failed: {result.stderr[-2000:]}")
            print(f"  migration {c['name']}: ok")
        for component in ("mcp", "chat", "web"):
            d = deployments[f"{release}-{component}"]
            c = d["spec"]["template"]["spec"]["containers"][0]
            run(c, detach=True, name=f"chart-{component}-{os.getpid()}")
            port = next(p["containerPort"] for p in c["ports"] if p["name"] == "http")
            for probe in ("readinessProbe", "livenessProbe"):
                url = f"http://127.0.0.1:{port}{c[probe]['httpGet']['path']}"
                try:
                    wait_http(url)
                except TimeoutError:
                    logs = docker("logs", f"chart-{component}-{os.getpid()}", check=False)
                    fail(f"{component}: {probe} {url} never answered 200\n{logs.stdout[-1500:]}{logs.stderr[-1500:]}")
            print(f"  {component}: {c['image']} on port {port} answers its probes")
        test = next(p for p in by_kind(docs, "Pod").values()
                    if p["metadata"]["annotations"].get("helm.sh/hook") == "test")
        for c in containers(test["spec"]):
            result = run(c, detach=False, name=f"chart-{c['name']}-{os.getpid()}")
            if result.returncode != 0:
                fail(f"helm test container {c['name']} ({' '.join(c['args'])}) failed: {result.stderr[-1000:]}")
            print(f"  helm test {c['name']}: ok")
    finally:
        if started:
            docker("rm", "-f", *started, check=False)


def main() -> None:
    if len(sys.argv) < 3:
        fail(__doc__)
    command, args = sys.argv[1], sys.argv[2:]
    {"schemas": schemas, "policy": policy, "images": images}[command](*args)


if __name__ == "__main__":
    main()
