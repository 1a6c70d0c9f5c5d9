"""One search box over the public registry and what the feature apps publish (#16)."""
