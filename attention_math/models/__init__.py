"""Models: where a checkpoint is found, loaded, and what it can do.

- spec.py: `ModelSpec`, what a model says about itself (encoder or decoder, causal, positions,
  heads and key/value heads, window per layer, next-token head, tokenizer kind). Playlists,
  layouts, captions, the explorer and the CLI ask it; nothing outside this package compares a
  model's name.
- registry.py: `resolve(spec_text)` turns what the user typed (a built-in name, a Hugging Face
  folder or cached hub id, a .gguf file, ollama:NAME) into a loaded model.
- families/: one module per architecture family (bert, gpt2, llama, gemma3), each a numpy
  forward pass over tensors named as Hugging Face names them, filling the same trace records.
"""
