"""attention-explainer's Python API: one import, the same numbers and files as the CLI.

    import attention_explainer as ax
    lesson = ax.explain("The animal didn't cross the street because it was too tired", model="smollm2", query="it")
    lesson                       # in a notebook: the interactive explorer, inline
    lesson.trace                 # every value, numpy arrays (the trace the videos use)
    lesson.to_json("t.json")     # exactly what `python -m attention_math trace` prints
    lesson.render(quality="low", scenes=["softmax"]); lesson.stills(); lesson.figure(); lesson.to_pptx("deck.pptx")
    ax.from_attentions(tokens, outputs.attentions)   # BertViz's input, our explorer
"""
from .attentions import from_attentions
from .display import ExplorerOutput
from .errors import (ExampleFileError, ExplainerError, Interrupted, ModelError, RenderError, SentenceError,
                     SettingError, TokenChoiceError)
from .lesson import Lesson, explain
from .outputs import Outputs

__version__ = "0.1.0"
__all__ = ["ExampleFileError", "ExplainerError", "ExplorerOutput", "Interrupted", "Lesson", "ModelError", "Outputs",
           "RenderError", "SentenceError", "SettingError", "TokenChoiceError", "explain", "from_attentions"]
