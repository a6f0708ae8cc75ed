#!/usr/bin/env bash
# Runs the GPU bench (bench/gpu.ts) from a device kit on a Linux x64 machine without Node or npm:
#
#   scripts/device-kit/run.sh [KIT.tar.gz | KIT_DIR] [bench options, e.g. --quick --out DIR]
#
# The kit comes from `node scripts/device-kit/pack.mjs` (default .device-kit/chase-gpu-kit.tar.gz beside
# this repo; inside an unpacked kit, the kit itself). A tarball is unpacked into a temporary folder,
# removed afterwards. Brings the kit's Vulkan loader when the machine has none, points Vulkan at NVIDIA's
# driver where only /usr/local/nvidia has it, and runs PyTorch with the first python3 that imports torch.
# Results: --out (default ./bench-results)/gpu-bench.json; exit status is the bench's.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
if [[ $# -gt 0 && $1 != -* ]]; then
  kit_arg=$1
  shift
elif [[ -x $here/node/bin/node ]]; then
  kit_arg=$here
else
  kit_arg=$here/../../.device-kit/chase-gpu-kit.tar.gz
fi

unpacked=
if [[ -d $kit_arg ]]; then
  kit=$(cd "$kit_arg" && pwd)
elif [[ -f $kit_arg ]]; then
  unpacked=$(mktemp -d "${TMPDIR:-/tmp}/chase-gpu-kit.XXXXXX")
  trap 'rm -rf "$unpacked"' EXIT
  tar -xzf "$kit_arg" -C "$unpacked"
  kit=$unpacked/chase-gpu-kit
else
  echo "run.sh: no kit at $kit_arg: pack one with \`node scripts/device-kit/pack.mjs\` where Node 24 is" >&2
  exit 2
fi
if [[ ! -x $kit/node/bin/node || ! -f $kit/app/gpu.mjs ]]; then
  echo "run.sh: $kit is not a device kit (no node/bin/node or app/gpu.mjs): repack it" >&2
  exit 2
fi

# Dawn dlopens libvulkan.so.1; NVIDIA's Vulkan driver (libGLX_nvidia) needs libglvnd's libGLdispatch.
system_libs=$({ ldconfig -p || /sbin/ldconfig -p; } 2>/dev/null || true)
for lib in libvulkan.so.1 libGLdispatch.so.0; do
  if ! grep -q "$lib" <<<"$system_libs" && [[ -d $kit/lib ]]; then
    echo "run.sh: this machine has no $lib: using the kit's ($kit/lib)"
    export LD_LIBRARY_PATH=$kit/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
    break
  fi
done
nvidia=/usr/local/nvidia
if [[ -z ${VK_ICD_FILENAMES:-}${VK_DRIVER_FILES:-} && -f $nvidia/share/vulkan/icd.d/nvidia_icd.json ]] &&
  ! compgen -G '/usr/share/vulkan/icd.d/nvidia*' >/dev/null && ! compgen -G '/etc/vulkan/icd.d/nvidia*' >/dev/null; then
  echo "run.sh: Vulkan driver from $nvidia (VK_DRIVER_FILES)"
  export VK_DRIVER_FILES=$nvidia/share/vulkan/icd.d/nvidia_icd.json
  [[ -d $nvidia/lib64 ]] && export LD_LIBRARY_PATH=${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}$nvidia/lib64
fi

python=${CHASE_PYTHON:-}
if [[ -z $python ]]; then
  for candidate in python3 /usr/bin/python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import torch' 2>/dev/null; then
      python=$(command -v "$candidate")
      break
    fi
  done
fi
if [[ -z $python ]]; then
  echo "run.sh: no python3 here imports torch: the PyTorch rows will fail (set CHASE_PYTHON to one that does)"
  python=python3
fi
echo "run.sh: kit $(cat "$kit/app/kit.json" 2>/dev/null || echo '(no kit.json)')"
command -v nvidia-smi >/dev/null && nvidia-smi -L || true

status=0
"$kit/node/bin/node" "$kit/app/gpu.mjs" --python "$python" --torch-script "$kit/app/torch_reference.py" \
  --out "$PWD/bench-results" "$@" || status=$?
exit "$status"
