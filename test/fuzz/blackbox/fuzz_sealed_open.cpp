// Opens arbitrary bytes as a sealed table, from memory, with a fixed
// key (the seeds are real tables sealed with it). Whatever opens must
// answer lookups and list its entries without crashing; whatever does
// not must say why.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "blackbox/sealed_table.hpp"

namespace {

blackbox::master_key const &fuzz_key()
{
	static blackbox::master_key key = [] {
		unsigned char bytes[blackbox::master_key_bytes];
		std::memset(bytes, 0x42, sizeof bytes);
		auto k = blackbox::master_key::from_bytes(bytes, sizeof bytes);
		if (!k)
			std::abort(); // no AES-NI: nothing to fuzz
		return *k;
	}();
	return key;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	std::string bytes(reinterpret_cast<const char *>(data), size);
	blackbox::peek_header(bytes);
	auto table = blackbox::sealed_table::open_memory(bytes, fuzz_key(), {}, "fuzz");
	if (!table) {
		if (table.error().empty())
			std::abort();
		return 0;
	}
	for (const char *key : {"alice@example.test", "nobody", ""})
		(void)(*table)->lookup(key);
	auto entries = (*table)->entries();
	if (entries && entries->size() != (*table)->header().entry_count)
		std::abort();
	return 0;
}
