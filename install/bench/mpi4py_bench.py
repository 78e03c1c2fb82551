"""The mpi4py side of `river bench mpi`: the same measurements as rMPI's, on Open MPI over TCP.

Run with 2 ranks over TCP (pml ob1: without it Open MPI picks a shared-memory path and the btl
setting has no effect), e.g.:
    mpirun --allow-run-as-root --oversubscribe --mca pml ob1 --mca btl tcp,self -np 2 \
        /usr/bin/python3 install/bench/mpi4py_bench.py [--iters N] [--big-iters M] [--rounds R]
Rank 0 prints one JSON object: latency_us (one-way, 8 bytes), bandwidth_mib_s (16 MiB ping-pong),
allreduce_us (one double, SUM), barrier_us. Buffers are numpy arrays (mpi4py's fast, buffer path).
"""
import argparse
import json
import sys

import numpy as np
from mpi4py import MPI


def pingpong(comm, buf, iters, warmup):
    rank = comm.Get_rank()
    for i in range(warmup + iters):
        if i == warmup:
            comm.Barrier()
            t0 = MPI.Wtime()
        if rank == 0:
            comm.Send([buf, MPI.BYTE], dest=1, tag=1)
            comm.Recv([buf, MPI.BYTE], source=1, tag=1)
        else:
            comm.Recv([buf, MPI.BYTE], source=0, tag=1)
            comm.Send([buf, MPI.BYTE], dest=0, tag=1)
    return (MPI.Wtime() - t0) / iters / 2     # one way


def timed(comm, op, iters, warmup):
    for _ in range(warmup):
        op()
    comm.Barrier()
    t0 = MPI.Wtime()
    for _ in range(iters):
        op()
    return (MPI.Wtime() - t0) / iters


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iters", type=int, default=2000)
    ap.add_argument("--big-iters", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    comm = MPI.COMM_WORLD
    if comm.Get_size() != 2:
        sys.exit("run with exactly 2 ranks")
    small = np.zeros(8, dtype=np.uint8)
    big = np.zeros(16 << 20, dtype=np.uint8)
    x = np.ones(1, dtype=np.float64)
    y = np.zeros(1, dtype=np.float64)
    lat = bw_t = ar = br = float("inf")
    for _ in range(a.rounds):   # each figure: the best round, as river bench mpi does
        lat = min(lat, pingpong(comm, small, a.iters, max(100, a.iters // 10)))
        bw_t = min(bw_t, pingpong(comm, big, a.big_iters, 2))
        ar = min(ar, timed(comm, lambda: comm.Allreduce(x, y, op=MPI.SUM), a.iters, a.iters // 10))
        br = min(br, timed(comm, comm.Barrier, a.iters, a.iters // 10))
    if comm.Get_rank() == 0:
        print(json.dumps({
            "latency_us": lat * 1e6,
            "bandwidth_mib_s": (len(big) / (1 << 20)) / bw_t,
            "allreduce_us": ar * 1e6,
            "barrier_us": br * 1e6,
        }))


if __name__ == "__main__":
    main()
