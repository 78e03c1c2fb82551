# river_peers PORT: host:port for every node of the current SLURM job, comma separated.
river_peers() {
  local port="$1" hosts
  hosts=$(scontrol show hostnames "${SLURM_JOB_NODELIST:?not inside a SLURM job}")
  local out=()
  for h in $hosts; do out+=("$h:$port"); done
  (IFS=,; echo "${out[*]}")
}
