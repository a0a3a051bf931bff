/* libFuzzer harness for the chatlog-csv importer. */
#define FUZZ_FORMAT "chatlog-csv"
#include "fuzz_format.h"
