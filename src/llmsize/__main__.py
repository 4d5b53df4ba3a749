from llmsize.cli import main
from llmsize.cli.quick_exit import run

run(main)
