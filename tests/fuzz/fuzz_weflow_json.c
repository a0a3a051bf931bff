/* libFuzzer harness for the weflow-json importer. */
#define FUZZ_FORMAT "weflow-json"
#include "fuzz_format.h"
