"""nginx from Debian terminating TLS in front of a live Awaaz, with the configuration of
docs/deploy.md as written there (only the ports and certificate paths are changed)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import re
import shutil
import ssl
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.live import free_port

ROOT = Path(__file__).resolve().parents[1]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def documented_nginx() -> str:
    """The nginx block of docs/deploy.md, verbatim."""
    text = (ROOT / "docs" / "deploy.md").read_text()
    return re.search(r"```nginx\n(.*?)```", text, re.S).group(1)


def throwaway_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost, valid for a day."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "fullchain.pem", folder / "privkey.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@dataclass
class Proxy:
    url: str
    process: subprocess.Popen
    folder: Path

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def start_proxy(folder: Path, upstream_port: int) -> Proxy:
    """nginx on a free port, TLS, passing to `127.0.0.1:upstream_port`."""
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = throwaway_certificate(folder)
    port, plain = free_port(), free_port()
    server = documented_nginx()
    server = server.replace("listen 443 ssl;", f"listen 127.0.0.1:{port} ssl;")
    server = server.replace("listen 80;", f"listen 127.0.0.1:{plain};")
    server = server.replace("/etc/ssl/awaaz/fullchain.pem", str(cert))
    server = server.replace("/etc/ssl/awaaz/privkey.pem", str(key))
    server = server.replace("127.0.0.1:5000", f"127.0.0.1:{upstream_port}")
    temp = folder / "temp"
    temp.mkdir(exist_ok=True)
    os.chmod(temp, 0o777)  # noqa: S103 - nginx's workers write request bodies there as another user
    user = "user root;\n" if os.geteuid() == 0 else ""
    (folder / "nginx.conf").write_text(
        f"{user}daemon off;\nworker_processes 1;\npid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'} warn;\nevents {{ worker_connections 256; }}\n"
        "http {\n"
        f"  client_body_temp_path {temp}/body;\n  proxy_temp_path {temp}/proxy;\n"
        f"  fastcgi_temp_path {temp}/fastcgi;\n  uwsgi_temp_path {temp}/uwsgi;\n"
        f"  scgi_temp_path {temp}/scgi;\n"
        f"{server}\n}}\n"
    )
    with (folder / "nginx.log").open("w") as log:
        process = subprocess.Popen(
            [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e", "stderr"],
            stdout=subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,
        )
    url = f"https://127.0.0.1:{port}"
    unverified = ssl.create_default_context()
    unverified.check_hostname = False
    unverified.verify_mode = ssl.CERT_NONE
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2, context=unverified):
                return Proxy(url=url, process=process, folder=folder)
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.terminate()
                raise RuntimeError((folder / "nginx.log").read_text()) from None
            time.sleep(0.2)
