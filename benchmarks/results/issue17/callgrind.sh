#!/bin/sh
# instruction counts (load-independent): 100k, first simulated year minus set-up, old and new
export PYTHONHASHSEED=0 OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
PY=/work/main/.venv/bin/python
sed 's/from carepath.sim import/from sim import/' /tmp/bench17/ir.py > /tmp/bench17/ir_old.py
for d in 0 365; do
  (cd /tmp/bench17/old && PYTHONPATH=/tmp/bench17/old valgrind --tool=callgrind --callgrind-out-file=/tmp/bench17/cg.old.$d $PY /tmp/bench17/ir_old.py 100000 $d 2>&1 | grep -E "events|Collected" | sed "s/^/old $d /")
  (cd /work/main && PYTHONPATH=/work/main valgrind --tool=callgrind --callgrind-out-file=/tmp/bench17/cg.new.$d $PY /tmp/bench17/ir.py 100000 $d 2>&1 | grep -E "events|Collected" | sed "s/^/new $d /")
done
