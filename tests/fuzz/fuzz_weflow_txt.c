/* libFuzzer harness for the weflow-txt importer. */
#define FUZZ_FORMAT "weflow-txt"
#include "fuzz_format.h"
