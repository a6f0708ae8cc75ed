#!/usr/bin/env bash
# A single-node Slurm cluster on this machine, for the Slurm executor's tests (CI and development).
# Runs munged, slurmctld and slurmd as root without systemd, then waits until `srun hostname` answers.
# Where slurmrestd is installed it also starts it (JWT auth on 127.0.0.1:6820, as the `slurmrestd` user:
# it refuses to run as root); a token comes from `scontrol token username=<user>`.
# Idempotent: a cluster that already answers is left alone. `--stop` stops what this script started.
set -euo pipefail

state=${SLURM_DEV_STATE:-/var/lib/chase-workbench-slurm}
conf=/etc/slurm/slurm.conf

if [ "${1:-}" = "--stop" ]; then
  for name in slurmrestd slurmd slurmctld; do
    [ -f "$state/$name.pid" ] && kill "$(cat "$state/$name.pid")" 2>/dev/null || true
  done
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "slurm-dev-cluster: run as root (it starts munged, slurmctld and slurmd)" >&2
  exit 1
fi
for tool in munged slurmctld slurmd srun sinfo; do
  command -v "$tool" >/dev/null 2>&1 || { echo "slurm-dev-cluster: $tool is missing: apt-get install slurm-wlm munge" >&2; exit 1; }
done

mkdir -p "$state/spool/ctld" "$state/spool/d" /run/munge /var/log/munge /var/lib/munge
# munged refuses a key anyone else can read; create one when the package did not.
[ -s /etc/munge/munge.key ] || dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
chown root:root /etc/munge/munge.key /run/munge /var/log/munge /var/lib/munge
chmod 0400 /etc/munge/munge.key
chmod 0755 /run/munge
pgrep -x munged >/dev/null || munged --force

cpus=$(nproc)
# Leave the OS some memory: Slurm refuses a node that reports less than RealMemory.
memory=$(( $(awk '/MemTotal/ { print int($2 / 1024) }' /proc/meminfo) * 8 / 10 ))
rest_port=${SLURM_DEV_REST_PORT:-6820}
# The key slurmctld checks slurmrestd's tokens (`scontrol token`) with.
jwt_key=$state/jwt_hs256.key
[ -s "$jwt_key" ] || dd if=/dev/urandom of="$jwt_key" bs=32 count=1 status=none
chmod 0600 "$jwt_key"
mkdir -p /etc/slurm
new_conf=$(mktemp)
cat > "$new_conf" <<CONF
# Written by chase-workbench scripts/slurm-dev-cluster.sh: a single-node cluster for tests.
ClusterName=chase-dev
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthAltTypes=auth/jwt
AuthAltParameters=jwt_key=$jwt_key
StateSaveLocation=$state/spool/ctld
SlurmdSpoolDir=$state/spool/d
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/slurmctld.log
SlurmdLogFile=$state/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
ReturnToService=2
# Finished jobs stay visible to scontrol for 10 minutes (there is no accounting database here).
MinJobAge=600
KillWait=30
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
NodeName=localhost CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4
CONF

start_rest() {
  command -v slurmrestd >/dev/null 2>&1 || return 0
  pgrep -x slurmrestd >/dev/null && return 0
  id slurmrestd >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin slurmrestd
  # -u: slurmrestd refuses root; it drops to its own user once the port is open. -s: only the
  # v0.0.38 API (the dbv0.0.38 one needs slurmdbd, which this cluster does not run).
  # Started from the state folder: slurmrestd calls getcwd() on each submit and dies when the folder it
  # was started from is gone (a deleted checkout, say).
  (cd "$state" && SLURM_JWT=daemon exec nohup slurmrestd -a rest_auth/jwt -s openapi/v0.0.38 -u slurmrestd \
    "127.0.0.1:$rest_port" >"$state/slurmrestd.log" 2>&1) &
  echo $! >"$state/slurmrestd.pid"
  for _ in $(seq 1 20); do
    (exec 3<>"/dev/tcp/127.0.0.1/$rest_port") 2>/dev/null && { echo "slurm-dev-cluster: slurmrestd on 127.0.0.1:$rest_port"; return 0; }
    sleep 0.5
  done
  echo "slurm-dev-cluster: slurmrestd did not listen on $rest_port; see $state/slurmrestd.log" >&2
  return 1
}

if cmp -s "$new_conf" "$conf" && timeout 5 srun --immediate=5 hostname >/dev/null 2>&1; then
  rm -f "$new_conf"
  echo "slurm-dev-cluster: a cluster already answers"
  start_rest
  exit 0
fi
if ! cmp -s "$new_conf" "$conf" && pgrep -x slurmctld >/dev/null; then
  # A changed slurm.conf (e.g. JWT added): restart the controller; its jobs survive in StateSaveLocation.
  kill "$(pgrep -x slurmctld)"
  for _ in $(seq 1 30); do pgrep -x slurmctld >/dev/null || break; sleep 0.5; done
fi
mv "$new_conf" "$conf"
chmod 0644 "$conf"

pgrep -x slurmctld >/dev/null || slurmctld
pgrep -x slurmd >/dev/null || slurmd

for _ in $(seq 1 60); do
  if timeout 10 srun --immediate=10 hostname >/dev/null 2>&1; then
    echo "slurm-dev-cluster: up ($(sinfo -h -o '%P %D %T' | head -1))"
    start_rest
    exit 0
  fi
  # A node left down by an earlier run (e.g. a changed RealMemory) is brought back.
  scontrol update NodeName=localhost State=RESUME >/dev/null 2>&1 || true
  sleep 1
done
echo "slurm-dev-cluster: the cluster did not answer within 60 s; see $state/slurmctld.log and $state/slurmd.log" >&2
exit 1
