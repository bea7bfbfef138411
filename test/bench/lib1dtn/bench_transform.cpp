// Address transforms per second in each direction, and back end choices
// per second by rendezvous hashing over eight back ends.
//
//   bench_transform [addresses]     (default 1000000)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "1dtn/address_transform.hpp"

namespace {

double per_second(std::size_t n, std::chrono::steady_clock::time_point start)
{
	std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
	return static_cast<double>(n) / took.count();
}

} // namespace

int main(int argc, char **argv)
{
	std::size_t n = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 1000000;
	auto transform = dtn::address_transform::create("1dall.invalid");
	if (!transform)
		return 1;
	std::vector<std::string> addresses;
	for (std::size_t i = 0; i < 1000; ++i)
		addresses.push_back((i % 3 == 0 ? "Firstname.Lastname" : "user") +
		                    std::to_string(i) + (i % 5 == 0 ? "+news" : "") + "@" +
		                    (i % 7 == 0 ? "例え.jp" : "example.com"));
	std::vector<std::string> backends{"b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8"};

	std::vector<std::string> internal(addresses.size());
	std::size_t bytes = 0;
	auto start = std::chrono::steady_clock::now();
	for (std::size_t i = 0; i < n; ++i) {
		auto r = transform->to_internal(addresses[i % addresses.size()], "b3");
		bytes += r ? r->size() : 0;
		if (i < addresses.size() && r)
			internal[i] = *r;
	}
	std::printf("T        %12.0f addresses/s\n", per_second(n, start));

	start = std::chrono::steady_clock::now();
	for (std::size_t i = 0; i < n; ++i) {
		auto r = transform->to_public(internal[i % internal.size()]);
		bytes += r ? r->public_address.size() : 0;
	}
	std::printf("T^-1     %12.0f addresses/s\n", per_second(n, start));

	start = std::chrono::steady_clock::now();
	for (std::size_t i = 0; i < n; ++i)
		bytes += dtn::choose_backend(dtn::routing_key(addresses[i % addresses.size()]),
		                             backends)
		                 .size();
	std::printf("route/8  %12.0f addresses/s\n", per_second(n, start));
	return bytes == 0 ? 1 : 0;
}
