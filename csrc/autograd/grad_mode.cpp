#include "autograd/grad_mode.h"

#include <atomic>

namespace ember::autograd {

namespace {
thread_local bool t_grad_enabled = true;
thread_local bool t_inference = false;
std::atomic<bool> g_anomaly{false};  // process-wide, like torch.autograd.set_detect_anomaly
std::atomic<bool> g_anomaly_check_nan{true};
}  // namespace

bool grad_enabled() { return t_grad_enabled; }
void set_grad_enabled(bool on) { t_grad_enabled = on; }
bool inference_mode() { return t_inference; }
void set_inference_mode(bool on) { t_inference = on; }
bool anomaly_enabled() { return g_anomaly.load(std::memory_order_relaxed); }
void set_anomaly_enabled(bool on, bool check_nan) {
  g_anomaly_check_nan.store(check_nan);
  g_anomaly.store(on);
}
bool anomaly_check_nan() { return g_anomaly_check_nan.load(std::memory_order_relaxed); }

}  // namespace ember::autograd
