#!/usr/bin/env bash
# A single-node Slurm cluster on this machine, for the Slurm executor's tests (CI and development).
# Runs munged, slurmctld and slurmd as root without systemd, then waits until `srun hostname` answers.
# Idempotent: a cluster that already answers is left alone. `--stop` stops what this script started.
set -euo pipefail

state=${SLURM_DEV_STATE:-/var/lib/chase-workbench-slurm}
conf=/etc/slurm/slurm.conf

if [ "${1:-}" = "--stop" ]; then
  for name in slurmd slurmctld; do
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

if timeout 5 srun --immediate=5 hostname >/dev/null 2>&1; then
  echo "slurm-dev-cluster: a cluster already answers"
  exit 0
fi

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
mkdir -p /etc/slurm
cat > "$conf" <<CONF
# Written by chase-workbench scripts/slurm-dev-cluster.sh: a single-node cluster for tests.
ClusterName=chase-dev
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
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

pgrep -x slurmctld >/dev/null || slurmctld
pgrep -x slurmd >/dev/null || slurmd

for _ in $(seq 1 60); do
  if timeout 10 srun --immediate=10 hostname >/dev/null 2>&1; then
    echo "slurm-dev-cluster: up ($(sinfo -h -o '%P %D %T' | head -1))"
    exit 0
  fi
  # A node left down by an earlier run (e.g. a changed RealMemory) is brought back.
  scontrol update NodeName=localhost State=RESUME >/dev/null 2>&1 || true
  sleep 1
done
echo "slurm-dev-cluster: the cluster did not answer within 60 s; see $state/slurmctld.log and $state/slurmd.log" >&2
exit 1
