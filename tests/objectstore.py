"""A real S3-compatible server for the tests: moto in server mode, on loopback, on a free port.

The storage tests point the portal's private files at a bucket on it, with the same
STORAGE_S3_* settings production uses, and check the objects with boto3 directly.
"""

import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

from tests.workers import free_port, stop_process

# moto accepts any key; these name no real account.
ACCESS_KEY, SECRET_KEY, REGION = "testing-access-key", "testing-secret-key", "eu-west-2"


class MotoServer:
    def __init__(self, log_path: Path):
        self.port = free_port()
        self.endpoint_url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 20.0) -> None:
        """Start `moto_server`; raises RuntimeError if it is missing or does not answer in time."""
        command = shutil.which("moto_server", path=str(Path(sys.executable).parent)) or shutil.which("moto_server")
        if command is None:
            raise RuntimeError("moto_server not installed (pip install -r requirements-test.txt)")
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [command, "-H", "127.0.0.1", "-p", str(self.port)], stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + timeout
        while not self._answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("moto_server did not start:\n" + self.log_path.read_text()[-2000:])
            time.sleep(0.1)

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(self.endpoint_url + "/", timeout=1) as response:  # noqa: S310 - loopback
                return response.status == 200
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)
            self.process = None

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def new_bucket(self) -> str:
        name = f"portal-test-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
        return name

    def env(self, bucket: str) -> dict[str, str]:
        """The environment a portal process (web node, worker) reads to use this bucket."""
        return {
            "STORAGE_S3_BUCKET": bucket,
            "STORAGE_S3_ENDPOINT_URL": self.endpoint_url,
            "STORAGE_S3_REGION": REGION,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        }
