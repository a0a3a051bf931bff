/* libFuzzer harness for the wecom-archive importer. */
#define FUZZ_FORMAT "wecom-archive"
#include "fuzz_format.h"
