#!/usr/bin/env python3
"""Checks docker-compose.yml by reading it, as no Docker engine is at hand: its YAML and structure, and that it agrees
with the Dockerfile (port, paths the image creates for the app user, curl for the health check) and with the app's
options (every ScopeWeb environment key names an options section and property in src/). Prints one line per problem and
exits 1 when there is any; exits 0 with "docker-compose.yml: ok" otherwise. Needs python3-yaml.

Usage: python3 scripts/check-compose.py [docker-compose.yml]
"""
import pathlib
import re
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
problems = []


def problem(text):
    problems.append(text)


def expect(condition, text):
    if not condition:
        problem(text)
    return condition


def option_properties():
    """Options sections of src/ (SectionName = "X") and the settable properties of the class declaring each."""
    sections = {}
    for path in (ROOT / "src").rglob("*.cs"):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r'class (\w+)[^{]*\{\s*(?:///[^\n]*\n\s*)*public const string SectionName = "(\w+)";', text):
            start = match.start()
            end = text.find("\n}", start)
            body = text[start:end if end > 0 else len(text)]
            props = set(re.findall(r"public [\w<>?,\[\] ]+ (\w+) \{ get; set; \}", body))
            sections.setdefault(match.group(2), set()).update(props)
    return sections


def dockerfile():
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    port = re.search(r"ASPNETCORE_URLS=http://\+:(\d+)", text)
    owned = set()
    for run in re.findall(r"chown -R app:app ([^\n&]+)", text):
        owned.update(run.split())
    return {
        "port": port.group(1) if port else None,
        "owned": owned,
        "curl": "curl" in text and "apt-get install" in text,
        "user": re.search(r"^USER app$", text, re.M) is not None,
    }


def env_of(service):
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {str(k): v for k, v in env.items()}


def check_env_types(name, env):
    for key, value in env.items():
        # Compose refuses YAML booleans in environment values.
        expect(not isinstance(value, bool), f"{name}: environment {key} is a YAML boolean; quote it")


def check_scopeweb(name, service, image_info, sections, compose):
    expect(service.get("build") in (".", {"context": "."}), f"{name}: not built from the repository's Dockerfile")
    expect(service.get("image"), f"{name}: no image name (both instances must run one image)")
    env = env_of(service)
    check_env_types(name, env)
    expect(env.get("Database__Provider") == "Postgres", f"{name}: Database__Provider is not Postgres")
    conn = str(env.get("Database__ConnectionString", ""))
    parts = dict(p.split("=", 1) for p in conn.split(";") if "=" in p)
    pg = compose["services"].get("postgres", {})
    pg_env = env_of(pg)
    expect(parts.get("Host") == "postgres", f"{name}: the connection string's Host is not the postgres service")
    expect(parts.get("Port", "5432") == "5432", f"{name}: the connection string's Port is not PostgreSQL's 5432")
    expect(parts.get("Database") == pg_env.get("POSTGRES_DB"), f"{name}: Database differs from postgres' POSTGRES_DB")
    expect(parts.get("Username") == pg_env.get("POSTGRES_USER"), f"{name}: Username differs from postgres' POSTGRES_USER")
    expect(parts.get("Password") == pg_env.get("POSTGRES_PASSWORD"), f"{name}: Password differs from postgres' POSTGRES_PASSWORD")
    for key in env:
        section, _, rest = key.partition("__")
        prop = rest.split("__")[0]
        if section in ("Logging", "DataProtection"):
            # Logging is .NET's own section; DataProtection is reserved for the accounts work (README).
            continue
        if expect(section in sections, f"{name}: environment {key}: no options section '{section}' in src/"):
            expect(prop in sections[section], f"{name}: environment {key}: '{section}' has no property '{prop}'")
    formatter = env.get("Logging__Console__FormatterName")
    expect(formatter in (None, "simple", "json", "systemd"), f"{name}: unknown console formatter {formatter}")

    mounts = {}
    for volume in service.get("volumes", []):
        source, _, target = str(volume).partition(":")
        mounts[target.split(":")[0]] = source
        expect(source in (compose.get("volumes") or {}), f"{name}: volume {source} is not declared under volumes:")
        expect(target.split(":")[0] in image_info["owned"],
               f"{name}: {target} is not created and given to the app user in the Dockerfile (a named volume would be root's)")
    for key in ("Models__Directory", "Training__OutputDirectory", "Training__DatasetsDirectory", "DataProtection__KeysDirectory"):
        path = str(env.get(key, ""))
        expect(any(path == m or path.startswith(m + "/") for m in mounts), f"{name}: {key}={path} is not on a shared volume")

    health = service.get("healthcheck", {})
    test = " ".join(health.get("test", []))
    expect(image_info["curl"], "Dockerfile: the runtime image does not install curl for the health check")
    expect(f"http://127.0.0.1:{image_info['port']}/healthz" in test, f"{name}: the health check does not poll /healthz on the image's port")
    for port in service.get("ports", []):
        expect(str(port).split(":")[-1] == image_info["port"], f"{name}: port {port} does not publish the image's port {image_info['port']}")
    return mounts


def main():
    path = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docker-compose.yml"
    with open(path, encoding="utf-8") as f:
        compose = yaml.safe_load(f)
    services = compose.get("services") or {}
    image_info = dockerfile()
    expect(image_info["port"] is not None, "Dockerfile: ASPNETCORE_URLS with a port not found")
    expect(image_info["user"], "Dockerfile: the image does not run as the app user")
    sections = option_properties()
    expect({"Database", "Models", "Training", "Features", "Scoring"} <= set(sections), "src/: options sections not found")

    scopeweb = {n: s for n, s in services.items() if n.startswith("scopeweb")}
    expect(len(scopeweb) == 2, f"two ScopeWeb instances expected, found {sorted(scopeweb)}")
    mounts = [check_scopeweb(n, s, image_info, sections, compose) for n, s in scopeweb.items()]
    expect(len({s.get("image") for s in scopeweb.values()}) == 1, "the ScopeWeb instances run different images")
    expect(len({s.get("hostname") for s in scopeweb.values()}) == len(scopeweb), "the ScopeWeb instances need distinct host names (run owners)")
    host_ports = [str(p).split(":")[0] for s in scopeweb.values() for p in s.get("ports", [])]
    expect(len(host_ports) == len(set(host_ports)), f"host ports used twice: {host_ports}")
    expect(all(m == mounts[0] for m in mounts), "the ScopeWeb instances do not mount the same volumes")
    for s in scopeweb.values():
        expect(s.get("depends_on", {}).get("postgres", {}).get("condition") == "service_healthy",
               "a ScopeWeb instance does not wait for a healthy postgres")

    pg = services.get("postgres", {})
    expect(str(pg.get("image", "")).startswith("postgres:"), "postgres: not the official postgres image")
    expect("pg_isready" in " ".join(pg.get("healthcheck", {}).get("test", [])), "postgres: the health check is not pg_isready")
    expect(any(str(v).endswith(":/var/lib/postgresql/data") and str(v).split(":")[0] in (compose.get("volumes") or {})
               for v in pg.get("volumes", [])), "postgres: no named volume on /var/lib/postgresql/data")
    check_env_types("postgres", env_of(pg))

    kafka = services.get("kafka", {})
    kenv = env_of(kafka)
    check_env_types("kafka", kenv)
    expect(str(kafka.get("image", "")).startswith("apache/kafka:"), "kafka: not the official apache/kafka image")
    roles = set(str(kenv.get("KAFKA_PROCESS_ROLES", "")).split(","))
    expect(roles == {"broker", "controller"}, "kafka: not a combined broker and controller (single-node KRaft)")
    node = str(kenv.get("KAFKA_NODE_ID"))
    voters = str(kenv.get("KAFKA_CONTROLLER_QUORUM_VOTERS", ""))
    expect(voters.startswith(node + "@"), "kafka: the quorum voter is not this node")
    listeners = dict(l.split("://") for l in str(kenv.get("KAFKA_LISTENERS", "")).split(","))
    protocols = dict(p.split(":") for p in str(kenv.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "")).split(","))
    expect(set(listeners) <= set(protocols), "kafka: a listener has no security protocol")
    expect(kenv.get("KAFKA_CONTROLLER_LISTENER_NAMES") in listeners, "kafka: the controller listener is not a listener")
    expect(voters.endswith(":" + listeners.get("CONTROLLER", ":?").rsplit(":", 1)[-1]), "kafka: the quorum voter's port is not the controller listener's")
    advertised = dict(l.split("://") for l in str(kenv.get("KAFKA_ADVERTISED_LISTENERS", "")).split(","))
    expect(advertised.get("PLAINTEXT") == "kafka:9092", "kafka: containers cannot reach the broker as kafka:9092")
    expect(kenv.get("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR") == 1, "kafka: one broker needs replication factor 1")
    expect("kafka-broker-api-versions.sh" in " ".join(kafka.get("healthcheck", {}).get("test", [])), "kafka: no broker health check")
    log_dir = kenv.get("KAFKA_LOG_DIRS")
    expect(any(str(v).endswith(":" + str(log_dir)) for v in kafka.get("volumes", [])), "kafka: its log directory is not on a volume")

    for name, service in services.items():
        expect("healthcheck" in service, f"{name}: no health check")

    if problems:
        for text in problems:
            print(f"{path.name}: {text}")
        return 1
    print(f"{path.name}: ok ({', '.join(sorted(services))})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
