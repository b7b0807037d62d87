# Two commands for a new user: `make render` and `make test`. Each sets itself up first.
PYTHON := .venv/bin/python
EXAMPLE ?=
SENTENCE ?=
QUALITY ?= medium
SCENES ?=
MODEL ?=
QUERY ?=
KEY ?=
LAYER ?=
HEAD ?=
JOBS ?= 2
NARRATE ?=
# Issue 25: the lesson's language (en, id, hi, ja, es; not LANG, the shell's locale) and a teacher's words file.
LOCALE ?=
CAPTIONS ?=
WORDS_FLAGS = $(if $(LOCALE),--lang "$(LOCALE)") $(if $(CAPTIONS),--captions "$(CAPTIONS)")

# Flags shared by every render target; empty variables add nothing.
RENDER_FLAGS = $(if $(EXAMPLE),--example "$(EXAMPLE)") $(if $(SENTENCE),--sentence "$(SENTENCE)") \
	--quality $(QUALITY) $(if $(SCENES),--scenes "$(SCENES)") $(if $(MODEL),--model "$(MODEL)") \
	$(if $(LAYER),--layer $(LAYER)) $(if $(HEAD),--head $(HEAD)) --jobs $(JOBS) \
	$(if $(QUERY),--query "$(QUERY)") $(if $(KEY),--key "$(KEY)") $(WORDS_FLAGS)
# The figure takes only these (QUALITY=high, SCENES=... are refused, not silently ignored).
FIGURE_FLAGS = $(if $(EXAMPLE),--example "$(EXAMPLE)") $(if $(SENTENCE),--sentence "$(SENTENCE)") \
	$(if $(MODEL),--model "$(MODEL)") $(if $(QUALITY:medium=),--quality $(QUALITY)) $(if $(SCENES),--scenes "$(SCENES)") \
	$(if $(LAYER),--layer $(LAYER)) $(if $(HEAD),--head $(HEAD)) \
	$(if $(QUERY),--query "$(QUERY)") $(if $(KEY),--key "$(KEY)") $(WORDS_FLAGS)

.PHONY: setup setup-test test render stills figure explore course bench-course bench bench-render bench-long bench-models check-stills clean
# What rendering needs (no torch, transformers, browser or LibreOffice); the tests add those.
setup:
	@SETUP_JOB=render bash scripts/setup.sh

setup-test:
	@SETUP_JOB=test bash scripts/setup.sh

test: setup-test
	@$(PYTHON) -m pytest -q

render: setup
	@$(PYTHON) -m attention_explainer render $(RENDER_FLAGS) $(if $(filter 1 yes true,$(NARRATE)),--narrate)

stills: setup
	@$(PYTHON) -m attention_explainer stills $(RENDER_FLAGS)

figure: setup
	@$(PYTHON) -m attention_explainer figure $(FIGURE_FLAGS)

# The interactive page (seed 003): media/<name>/explorer.html, one offline file.
explore: setup
	@$(PYTHON) -m attention_explainer explore $(if $(EXAMPLE),--example "$(EXAMPLE)") $(if $(SENTENCE),--sentence "$(SENTENCE)") \
		$(if $(MODEL),--model "$(MODEL)") $(if $(COMPARE),--compare "$(COMPARE)") $(if $(QUERY),--query "$(QUERY)") \
		$(if $(LAYER),--layer $(LAYER)) $(if $(HEAD),--head $(HEAD)) $(WORDS_FLAGS)

# Issue 23: a whole course (examples/course-*.toml) on Dask: a local cluster, or SCHEDULER=tcp://HOST:8786.
course: setup
	@$(PYTHON) -m attention_explainer course "$(or $(COURSE),examples/course-intro.toml)" $(if $(SCHEDULER),--scheduler "$(SCHEDULER)") \
		$(if $(WORKERS),--workers $(WORKERS)) $(if $(STORE),--store "$(STORE)") $(if $(filter 1 yes true,$(INSECURE)),--insecure) $(WORDS_FLAGS)

bench-course: setup
	@$(PYTHON) -m benchmarks.bench_course

bench: setup
	@$(PYTHON) -m benchmarks.bench_trace

bench-render: setup
	@$(PYTHON) -m benchmarks.bench_render

# Issue 10: long sentences' build cost against 6 tokens (toy 32 and 64 tokens, MiniLM 64).
bench-long: setup
	@$(PYTHON) -m benchmarks.bench_long
	@$(PYTHON) -m benchmarks.bench_length

# Issue 19: load and trace times of the packaged models and of a random 1B model (Llama 3.2 1B's shape).
bench-models: setup-test
	@$(PYTHON) -m benchmarks.bench_models
	@$(PYTHON) -m benchmarks.bench_gemma3

# Issue 26: the layout checker over toy 2/8/16/64 tokens, MiniLM, SmolLM2 and a tiny model of every family.
check-stills: setup-test
	@$(PYTHON) -m scenes.layout.matrix

clean:
	rm -rf media/*/ .manim-cache
