#!/usr/bin/env bash
# A one-node SLURM cluster on this host, for motlab's SLURM tests and for trying launcher=slurm:
# munged, slurmctld and slurmd (Debian's slurm-wlm + munge), proctrack/linuxproc, task/none,
# select/cons_tres by CPU, no accounting database (finished jobs stay visible to
# `scontrol show job` for MinJobAge; jobcomp/filetxt keeps a log of final states).
#   tools/slurm_cluster.sh start | stop | status
# Runs as root (a fresh Debian 12 machine, CI). It writes /etc/slurm/slurm.conf only when that
# file is absent or was written by this script; state and logs live under $MOTLAB_SLURM_DIR
# (default /var/tmp/motlab-slurm).
set -euo pipefail
action=${1:-status}
state=${MOTLAB_SLURM_DIR:-/var/tmp/motlab-slurm}
conf=/etc/slurm/slurm.conf
marker="# written by motlab tools/slurm_cluster.sh"
host=$(hostname -s)

need_root() {
  [ "$(id -u)" = 0 ] || { echo "[slurm] error: run as root (it starts munged, slurmctld, slurmd)" >&2; exit 2; }
}

install_packages() {
  local missing=()
  for p in slurm-wlm munge; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "[slurm] installing ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

write_conf() {
  if [ -f "$conf" ] && ! grep -qF "$marker" "$conf"; then
    echo "[slurm] error: $conf exists and was not written by this script: not touching it" >&2
    exit 2
  fi
  local cpus memory
  cpus=$(nproc)
  memory=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 512 ))
  mkdir -p "$state"/{spool,ctld,log} /etc/slurm
  cat > "$conf" <<CONF
$marker
ClusterName=motlab
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
SchedulerType=sched/backfill
SchedulerParameters=defer_batch
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc=$state/log/jobcomp.txt
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/spool
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/log/slurmctld.log
SlurmdLogFile=$state/log/slurmd.log
ReturnToService=2
MinJobAge=3600
KillWait=5
OverTimeLimit=0
InactiveLimit=0
MessageTimeout=20
NodeName=$host CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
CONF
}

running() { pgrep -x "$1" >/dev/null 2>&1; }

start() {
  need_root
  install_packages
  write_conf
  if ! running munged; then
    mkdir -p /run/munge /var/log/munge /var/lib/munge
    [ -s /etc/munge/munge.key ] || { dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null; chmod 400 /etc/munge/munge.key; }
    chown -R munge:munge /run/munge /var/log/munge /var/lib/munge /etc/munge
    runuser -u munge -- munged
  fi
  running slurmctld || slurmctld
  running slurmd || slurmd
  for _ in $(seq 1 100); do
    if sinfo -h -o "%T" 2>/dev/null | grep -qE "^(idle|mixed|allocated)"; then
      echo "[slurm] up: $(sinfo -h -o '%P %D %T %c cpus' | head -1) ($conf)"
      return 0
    fi
    # a node left DOWN by an earlier stop comes back by hand
    scontrol update nodename="$host" state=resume >/dev/null 2>&1 || true
    sleep 0.3
  done
  echo "[slurm] error: the node did not become idle; logs in $state/log" >&2
  sinfo >&2 || true
  tail -20 "$state/log/slurmctld.log" "$state/log/slurmd.log" >&2 || true
  exit 1
}

stop() {
  need_root
  for daemon in slurmd slurmctld; do
    pkill -x "$daemon" 2>/dev/null || true
  done
  for _ in $(seq 1 50); do running slurmd || running slurmctld || break; sleep 0.2; done
  pkill -x munged 2>/dev/null || true
  echo "[slurm] stopped"
}

case "$action" in
  start) start ;;
  stop) stop ;;
  status) if running slurmctld && running slurmd; then sinfo; else echo "[slurm] not running"; exit 1; fi ;;
  *) echo "usage: tools/slurm_cluster.sh start | stop | status" >&2; exit 2 ;;
esac
