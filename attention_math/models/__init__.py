"""Models: where a checkpoint is found, loaded, and what it can do.

- spec.py: `ModelSpec`, what a model says about itself (encoder or decoder, causal, positions,
  heads and key/value heads, window per layer, next-token head, tokenizer kind). Playlists,
  layouts, captions, the explorer and the CLI ask it; nothing outside this package compares a
  model's name.
- registry.py: `resolve(text)` turns what the user typed (a built-in name, a Hugging Face folder
  or a hub id in the local cache) into a `LoadedModel`; minilm.py and smollm2.py are the two
  packaged entries.
- loaders.py: config.json, safetensors (mapped), pytorch_model.bin (tensors only), tokenizer.json.
- families/: one module per architecture family (bert, gpt2, llama), each a numpy forward pass
  over tensors named as Hugging Face names them, filling the records of encoder_records.py or
  decoder_records.py; export.py turns any model's trace into the JSON of `attention_math trace`.
"""
