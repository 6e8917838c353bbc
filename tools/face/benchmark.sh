#!/usr/bin/env bash
# The face benchmark of docs/accuracy.md: generated documents printed with real photos (each
# photo's source in tools/face/README.md) against selfie photos, document-vs-selfie, plus the
# time of whole analyses. About 4 minutes on 2 cores after the release build.
#   tools/face/benchmark.sh [OUT_DIR]
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
out="${1:-$repo/target/face-bench}"
venv="${VENV:-$repo/target/face-bench-venv}"
mkdir -p "$out/selfies" "$out/documents"
if [ "$(id -u)" = 0 ] && ! fc-list | grep -qi ocrb; then
  apt-get install -y -qq fonts-ocr-b fonts-dejavu-core fonts-dejavu-extra >/dev/null
fi
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q numpy==2.4.6 pillow==13.0.0 opencv-python-headless==5.0.0.93
# Two more photos of the same person, from the same MIT-licensed sdist as the committed ones.
if [ ! -d "$out/face_recognition-1.3.0" ]; then
  "$venv/bin/pip" download -q --no-deps --no-binary :all: face_recognition==1.3.0 -d "$out"
  tar xzf "$out/face_recognition-1.3.0.tar.gz" -C "$out"
fi
faces="$repo/crates/kycd-analysis/tests/it/fixtures/faces"
cp "$faces/obama.jpg" "$out/selfies/obama__obama.jpg"
cp "$faces/obama2.jpg" "$out/selfies/obama__obama2.jpg"
cp "$faces/obama3.jpg" "$out/selfies/obama__obama3.jpg"
cp "$faces/biden.jpg" "$out/selfies/biden__biden.jpg"
cp "$faces/grace-hopper.jpg" "$out/selfies/hopper__grace-hopper.jpg"
cp "$faces/astronaut.jpg" "$out/selfies/collins__astronaut.jpg"
for suffix in "" 2; do
  src="$out/face_recognition-1.3.0/tests/test_images/obama_partial_face$suffix.jpg"
  "$venv/bin/python" -c "from PIL import Image; im=Image.open('$src').convert('RGB'); im.save('$out/selfies/obama__partial${suffix:-1}.jpg', quality=85)"
done
cd "$repo"
cargo build -q --release -p kycd-analysis --example faces --example face_bench
./target/release/examples/faces "$out"/selfies/*.jpg > "$out/boxes.jsonl"
"$venv/bin/python" - "$out" <<'PY'
import json, os, sys
out = sys.argv[1]
spec = []
for line in open(f"{out}/boxes.jsonl"):
    e = json.loads(line)
    main = e["found"]["main"]
    if not main:
        continue
    name = os.path.basename(e["image"])[:-4]
    w, cx = main["width"], main["left"] + main["width"] / 2
    top = main["top"] - 0.55 * w
    crop = [cx - w, top, cx + w, top + 2.6 * w]
    for fmt in ("TD3", "TD1"):
        for cond in ("scan", "phone"):
            spec.append({"fixture": f"{name}__{fmt}-{cond}", "format": fmt, "condition": cond,
                         "seed": 100 + len(spec), "width": 1200, "quality": 88, "country": "LTU",
                         "surname": "JONAITIS", "given": "JONAS", "dob": "1990-05-17", "sex": "M",
                         "number": "LT1234567", "expiry": "2034-03-01",
                         "portrait": f"{out}/selfies/{name}.jpg", "portrait_crop": crop})
json.dump(spec, open(f"{out}/documents.json", "w"), indent=0)
PY
"$venv/bin/python" tools/mrz/documents.py --spec "$out/documents.json" --out "$out/documents" >/dev/null
rm -f "$out"/documents/*-back.jpg
for f in "$out"/documents/*-front.jpg; do mv "$f" "${f%-front.jpg}.jpg"; done
/usr/bin/time -v ./target/release/examples/face_bench "$out/documents" "$out/selfies" > "$out/pairs.jsonl" 2> "$out/time.txt"
python3 "$repo/tools/face/summarise.py" "$out/pairs.jsonl" "$out/time.txt"
