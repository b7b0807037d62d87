"""Tiny random checkpoints of every family, built with transformers and saved as a user would
(save_pretrained), for the oracle tests. Matrices are drawn with a large spread (std 0.35) so that
attention is far from uniform and a wrong implementation cannot come close by accident."""
from __future__ import annotations

from pathlib import Path

TINY = {
    "bert": ("BertConfig", dict(hidden_size=48, num_hidden_layers=2, num_attention_heads=3, intermediate_size=64,
                                 vocab_size=120, max_position_embeddings=64)),
    "roberta": ("RobertaConfig", dict(hidden_size=48, num_hidden_layers=2, num_attention_heads=3,
                                       intermediate_size=64, vocab_size=120, max_position_embeddings=70,
                                       pad_token_id=1, type_vocab_size=1)),
    "xlm-roberta": ("XLMRobertaConfig", dict(hidden_size=40, num_hidden_layers=2, num_attention_heads=4,
                                              intermediate_size=64, vocab_size=120, max_position_embeddings=70)),
    "distilbert": ("DistilBertConfig", dict(dim=48, n_layers=2, n_heads=3, hidden_dim=64, vocab_size=120,
                                             max_position_embeddings=64)),
    "bert-tanh": ("BertConfig", dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=40,
                                      vocab_size=120, max_position_embeddings=64, hidden_act="gelu_new")),
    # GPT-2 variants some checkpoints use: ReLU MLP, scores ÷ (layer + 1), an untied output matrix
    "gpt2-variant": ("GPT2Config", dict(n_embd=32, n_layer=2, n_head=4, vocab_size=120, n_positions=64,
                                        activation_function="relu", scale_attn_by_inverse_layer_idx=True,
                                        tie_word_embeddings=False)),
    "gpt2": ("GPT2Config", dict(n_embd=48, n_layer=2, n_head=3, vocab_size=120, n_positions=64)),
    "llama": ("LlamaConfig", dict(hidden_size=48, num_hidden_layers=2, num_attention_heads=6, num_key_value_heads=2,
                                   intermediate_size=64, vocab_size=120, max_position_embeddings=256,
                                   rope_parameters={"rope_type": "llama3", "rope_theta": 500000.0, "factor": 8.0,
                                                    "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                                                    "original_max_position_embeddings": 32},
                                   tie_word_embeddings=False)),
    # Llama with attention_bias and mlp_bias (o_proj and the MLP get biases too: a path no other entry has)
    "llama-biased": ("LlamaConfig", dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                                          num_key_value_heads=4, intermediate_size=48, vocab_size=120,
                                          max_position_embeddings=128, attention_bias=True, mlp_bias=True)),
    "mistral": ("MistralConfig", dict(hidden_size=48, num_hidden_layers=2, num_attention_heads=4,
                                       num_key_value_heads=2, intermediate_size=64, vocab_size=120,
                                       max_position_embeddings=128, sliding_window=4, head_dim=12)),
    "qwen2": ("Qwen2Config", dict(hidden_size=48, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=1,
                                   intermediate_size=64, vocab_size=120, max_position_embeddings=128,
                                   tie_word_embeddings=True)),
    "qwen2-window": ("Qwen2Config", dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                                          num_key_value_heads=2, intermediate_size=48, vocab_size=120,
                                          max_position_embeddings=128, use_sliding_window=True, sliding_window=5,
                                          max_window_layers=1)),  # layer 0 global, layer 1 a window of 5
    "qwen3": ("Qwen3Config", dict(hidden_size=40, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
                                   head_dim=16, intermediate_size=64, vocab_size=120, max_position_embeddings=128)),
    # Gemma 3: one K/V head, q/k norms, a window of 4 on layer 1 and a global layer 2 with their own RoPE bases
    "gemma3": ("Gemma3TextConfig", dict(hidden_size=48, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=1,
                                         head_dim=16, intermediate_size=64, vocab_size=120, max_position_embeddings=128,
                                         sliding_window=4, layer_types=["sliding_attention", "full_attention"],
                                         query_pre_attn_scalar=16)),
}
ENCODERS = ("bert", "bert-tanh", "roberta", "xlm-roberta", "distilbert")


def build_tiny(family: str, folder: Path, dtype: str = "float32", seed: int = 0):
    """Save a tiny random model of `family` into folder; returns the float32 transformers model."""
    import torch
    import transformers

    class_name, settings = TINY[family]
    config = getattr(transformers, class_name)(**settings)
    config._attn_implementation = "eager"
    torch.manual_seed(seed)
    model_class = transformers.AutoModel if family in ENCODERS else transformers.AutoModelForCausalLM
    model = model_class.from_config(config, attn_implementation="eager")
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if "norm" in name.lower() and name.endswith("weight") or "ln_" in name and name.endswith("weight"):
                parameter.fill_(1.0)
            else:
                parameter.normal_(0.0, 0.35)
    model.eval()
    saved = model.to(getattr(torch, dtype))
    saved.save_pretrained(folder)
    return saved.to(torch.float32)


WORDS = ("the animal didn't cross street because it was too tired cat sat on mat a dog chased river bank "
         "flows money grows she deposited at").split()


def save_tokenizer(family: str, folder: Path) -> None:
    """A small word-level tokenizer.json beside the weights, with the special tokens the family adds
    ([CLS] … [SEP] for BERT and DistilBERT, <s> … </s> for RoBERTa, nothing for the decoders)."""
    from tokenizers import Tokenizer, models, pre_tokenizers, processors

    specials = {"bert": ("[CLS]", "[SEP]"), "bert-tanh": ("[CLS]", "[SEP]"), "distilbert": ("[CLS]", "[SEP]"), "roberta": ("<s>", "</s>"),
                "xlm-roberta": ("<s>", "</s>")}.get(family)
    vocab = {"[UNK]": 0, "<pad>": 1, "[CLS]": 2, "[SEP]": 3, "<s>": 4, "</s>": 5}
    vocab.update({word: 10 + i for i, word in enumerate(WORDS)})
    tokenizer = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    if specials:
        first, last = specials
        tokenizer.post_processor = processors.TemplateProcessing(
            single=f"{first} $A {last}", special_tokens=[(first, vocab[first]), (last, vocab[last])])
    tokenizer.save(str(folder / "tokenizer.json"))


def tiny_folder(family: str, folder: Path, dtype: str = "float32"):
    """A complete model folder a user could hand us: config.json, model.safetensors, tokenizer.json."""
    model = build_tiny(family, folder, dtype)
    save_tokenizer(family, folder)
    return model
