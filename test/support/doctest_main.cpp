// doctest main for every suite. CTest runs each test file on its own
// through --source-file; a filter that matches no test case would pass
// silently, so a run that executes no test case fails instead.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>

namespace {

int cases_run = 0;

struct count_cases : doctest::IReporter {
	explicit count_cases(doctest::ContextOptions const &) {}

	void test_run_end(doctest::TestRunStats const &stats) override
	{
		cases_run = static_cast<int>(stats.numTestCasesPassingFilters);
	}
	void report_query(doctest::QueryData const &) override {}
	void test_run_start() override {}
	void test_case_start(doctest::TestCaseData const &) override {}
	void test_case_reenter(doctest::TestCaseData const &) override {}
	void test_case_end(doctest::CurrentTestCaseStats const &) override {}
	void test_case_exception(doctest::TestCaseException const &) override {}
	void subcase_start(doctest::SubcaseSignature const &) override {}
	void subcase_end() override {}
	void log_assert(doctest::AssertData const &) override {}
	void log_message(doctest::MessageData const &) override {}
	void test_case_skipped(doctest::TestCaseData const &) override {}
};

} // namespace

DOCTEST_REGISTER_LISTENER("count_cases", 1, count_cases);

int main(int argc, char **argv)
{
	doctest::Context context(argc, argv);
	int result = context.run();
	if (context.shouldExit())
		return result;
	if (result == 0 && cases_run == 0) {
		std::fprintf(stderr, "no test case matched the filters: failing\n");
		return 1;
	}
	return result;
}
