// Grad mode: thread-local switches that decide whether ops record autograd nodes.
#pragma once

namespace ember::autograd {

bool grad_enabled();
void set_grad_enabled(bool on);
bool inference_mode();
void set_inference_mode(bool on);
bool anomaly_enabled();
// check_nan=false: nodes still record where they were made, but NaN gradients aren't checked
void set_anomaly_enabled(bool on, bool check_nan = true);
bool anomaly_check_nan();

// Sets grad mode for a scope and restores it after.
class GradModeGuard {
 public:
  explicit GradModeGuard(bool on) : prev_(grad_enabled()) { set_grad_enabled(on); }
  ~GradModeGuard() { set_grad_enabled(prev_); }
  GradModeGuard(const GradModeGuard&) = delete;
  GradModeGuard& operator=(const GradModeGuard&) = delete;

 private:
  bool prev_;
};

}  // namespace ember::autograd
