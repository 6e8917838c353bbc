#!/usr/bin/env bash
# Rebuilds models/face/ from the registry packages it came from, and checks the result against
# models/face/SHA256SUMS. Needs root for apt (libdlib-dev, libopenblas-dev, g++) and PyPI.
# About 3 minutes on 2 cores (two C++ compiles of ~1 min, a 100 MB download, 10 s of conversion).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
work="${WORK:-$(mktemp -d)}"
apt-get install -y -qq libdlib-dev libopenblas-dev g++ pkg-config >/dev/null
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q onnx==1.17.0 numpy==2.4.6
cd "$work"
pip download -q --no-deps --no-binary :all: face_recognition_models==0.3.0 -d .
tar xzf face_recognition_models-0.3.0.tar.gz
models="$work/face_recognition_models-0.3.0/face_recognition_models/models"
echo "55533b28a95800a551ba546ba62fe69625c7e95a7061c338adffead08719da30  $models/dlib_face_recognition_resnet_model_v1.dat" | sha256sum -c
g++ -O2 -std=c++14 "$here/export_dlib_resnet.cpp" $(pkg-config --cflags --libs dlib-1) -lblas -llapack -o export_dlib_resnet
./export_dlib_resnet "$models/dlib_face_recognition_resnet_model_v1.dat" net.xml
"$work/venv/bin/python" "$here/dlib_to_onnx.py" net.xml dlib_face_recognition_resnet_model_v1.onnx
cp dlib_face_recognition_resnet_model_v1.onnx "$models/shape_predictor_5_face_landmarks.dat" "$repo/models/face/"
# The SeetaFace model as the rustface crate ships it.
seeta="$(ls -d ~/.cargo/registry/src/*/rustface-0.1.7 | head -1)/model/seeta_fd_frontal_v1.0.bin"
cp "$seeta" "$repo/models/face/"
cd "$repo/models/face" && sha256sum -c SHA256SUMS
# The reference numbers the Rust port is checked against (optional): dlib's own landmarks,
# chips and descriptors for the test photos.
if [ "${REFERENCE:-0}" = 1 ]; then
  cd "$work"
  g++ -O2 -std=c++14 "$here/dlib_reference.cpp" $(pkg-config --cflags --libs dlib-1) -lblas -llapack -lpng -ljpeg -o dlib_reference
  mkdir -p chips
  ./dlib_reference "$models/shape_predictor_5_face_landmarks.dat" "$models/dlib_face_recognition_resnet_model_v1.dat" chips "$@" > "$work/reference.json"
  echo "dlib's reference output: $work/reference.json (compare with: cargo run -p kycd-analysis --release --example face_reference -- $work/reference.json)"
fi
