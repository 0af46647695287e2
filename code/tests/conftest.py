import os

from hypothesis import settings

os.environ.setdefault("MPLBACKEND", "Agg")

# CI runs the property tests on a fixed sequence of examples, so a red run can be reproduced
# exactly; elsewhere each run explores new ones (more with TORCHCOURSE_HYPOTHESIS_EXAMPLES=2000).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
