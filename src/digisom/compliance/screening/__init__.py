"""Name screening: normalize names across scripts, block candidates, score and explain hits."""
