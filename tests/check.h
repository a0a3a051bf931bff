/*
 * check.h — the unit-test harness.  A test file defines cases with
 * TEST(name) { ... } and ends with TEST_MAIN().  CMake scans the file for
 * TEST(...) and registers one ctest entry per case, run as
 * `test_x name`; without an argument every case runs.
 */
#ifndef CA_CHECK_H
#define CA_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*check_fn)(void);
struct check_case { const char *name; check_fn fn; };
extern struct check_case check_cases[];
extern int check_n_cases;
extern int check_failures;

#define TEST(tname)                                                         \
    static void test_##tname(void);                                         \
    __attribute__((constructor)) static void reg_##tname(void) {           \
        check_cases[check_n_cases].name = #tname;                           \
        check_cases[check_n_cases++].fn = test_##tname;                     \
    }                                                                       \
    static void test_##tname(void)

#define CHECK(cond)                                                         \
    do {                                                                    \
        if (!(cond)) {                                                      \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__,          \
                    __LINE__, #cond);                                       \
            check_failures++;                                               \
        }                                                                   \
    } while (0)

#define CHECK_INT(a, b)                                                     \
    do {                                                                    \
        long long va_ = (long long)(a), vb_ = (long long)(b);               \
        if (va_ != vb_) {                                                   \
            fprintf(stderr, "%s:%d: %s == %lld, expected %lld\n", __FILE__, \
                    __LINE__, #a, va_, vb_);                                \
            check_failures++;                                               \
        }                                                                   \
    } while (0)

#define CHECK_STR(a, b)                                                     \
    do {                                                                    \
        const char *sa_ = (a), *sb_ = (b);                                  \
        if ((sa_ == NULL) != (sb_ == NULL) ||                               \
            (sa_ && strcmp(sa_, sb_) != 0)) {                               \
            fprintf(stderr, "%s:%d: %s == \"%s\", expected \"%s\"\n",       \
                    __FILE__, __LINE__, #a, sa_ ? sa_ : "(null)",           \
                    sb_ ? sb_ : "(null)");                                  \
            check_failures++;                                               \
        }                                                                   \
    } while (0)

#define TEST_MAIN()                                                         \
    struct check_case check_cases[512];                                     \
    int check_n_cases;                                                      \
    int check_failures;                                                     \
    int main(int argc, char **argv) {                                       \
        int ran = 0;                                                        \
        for (int i = 0; i < check_n_cases; i++) {                           \
            if (argc > 1 && strcmp(argv[1], check_cases[i].name) != 0)      \
                continue;                                                   \
            int before = check_failures;                                    \
            check_cases[i].fn();                                            \
            ran++;                                                          \
            fprintf(stderr, "%s %s\n",                                      \
                    check_failures == before ? "ok  " : "FAIL",             \
                    check_cases[i].name);                                   \
        }                                                                   \
        if (ran == 0) {                                                     \
            fprintf(stderr, "no test named %s\n", argc > 1 ? argv[1] : ""); \
            return 2;                                                       \
        }                                                                   \
        return check_failures ? 1 : 0;                                      \
    }

/* Directory of the test data, set by CMake. */
#ifndef CA_TEST_DATA
#define CA_TEST_DATA "tests/data"
#endif

#endif
