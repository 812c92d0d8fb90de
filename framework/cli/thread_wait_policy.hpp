#pragma once
// LibTorch's CPU threads come from OpenMP (GNU libgomp on Debian and in pip wheels), whose
// default policy is to spin for a while at the end of every parallel region, waiting for the
// next one. On a quiet machine that saves a little latency; on one whose cores are busy with
// anything else (a compiler, a second graft, a test suite, `graft run --jobs`), the spinning
// threads take the cores the working ones need. Measured here: a 2-thread BERT-tiny training
// step with one of the 2 cores busy took 6.6 s with the default policy and 0.26 s with
// OMP_WAIT_POLICY=PASSIVE (PyTorch 1.13 shows the same: 4.9 vs 122 samples/s).
//
// libgomp reads the policy once, when it loads, before main(); so `graft` sets
// OMP_WAIT_POLICY=PASSIVE before it hands a training command to `graft-engine`, and
// `graft-engine` started some other way re-executes itself once with it, unless the user set
// OMP_WAIT_POLICY or GOMP_SPINCOUNT (theirs wins: `OMP_WAIT_POLICY=ACTIVE graft run ...`
// restores the spinning).
namespace graft::cli {

// Sets OMP_WAIT_POLICY=PASSIVE for this process and the ones it starts, unless the user chose a
// policy; true when it set it.
bool choose_passive_thread_wait();

// Returns only if no re-execution happened (a policy was set, or exec failed).
void ensure_passive_thread_wait(char** argv);

}  // namespace graft::cli
