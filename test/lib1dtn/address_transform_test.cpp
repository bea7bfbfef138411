// The reversible address transform: examples, a property test over a
// million generated addresses (adversarial ones included), the
// recogniser, and rendezvous hashing.
#include <doctest/doctest.h>

#include <array>
#include <map>
#include <random>
#include <unordered_map>

#include "1dtn/address_transform.hpp"

using namespace dtn;

namespace {

address_transform make()
{
	auto t = address_transform::create("1dall.invalid");
	REQUIRE(t);
	return *t;
}

// Deterministic generator of public addresses, from the plain to the
// hostile, indexed so any one can be rebuilt from its number.
class address_generator {
      public:
	std::string operator()(std::uint64_t index)
	{
		rng_.seed(index * 0x9E3779B97F4A7C15ull + 1);
		switch (pick(10)) {
		case 0:
			return word(lower_) + "@" + domain();
		case 1:
			return dot_atom() + "@" + domain();
		case 2:
			return quoted() + "@" + domain();
		case 3:
			return utf8_local() + "@" + idn_domain();
		case 4:
			return mimic_encoding() + "@" + domain();
		case 5:
			return word(mixed_) + "+" + word(mixed_) + "@" + word(mixed_) + ".example";
		case 6:
			return raw_bytes() + "@" + raw_bytes();
		case 7:
			return word(lower_) + "@[" + std::to_string(pick(256)) + ".0.2." +
			       std::to_string(pick(256)) + "]";
		case 8:
			return dot_atom() + "@" + word(lower_) + ".1dall.invalid";
		default:
			return utf8_local() + "@" + domain();
		}
	}

      private:
	std::size_t pick(std::size_t n)
	{
		return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
	}

	std::string word(std::string_view alphabet, std::size_t max = 12)
	{
		std::string out;
		std::size_t n = 1 + pick(max);
		for (std::size_t i = 0; i < n; ++i)
			out.push_back(alphabet[pick(alphabet.size())]);
		return out;
	}

	std::string dot_atom()
	{
		std::string out = word(atext_);
		while (pick(3) == 0)
			out += "." + word(atext_);
		return out;
	}

	std::string quoted()
	{
		static constexpr std::string_view inside = "ab Z@.\\\"(),:;<>[]=_+ 19";
		return "\"" + word(inside, 20) + "\"";
	}

	std::string utf8_local()
	{
		static constexpr std::array pieces{"請求書", "見積", "田中", "ユーザー", "пример",
		                                   "Ölçü",   "😀",    "ß",    "e\xCC\x81"};
		std::string out;
		std::size_t n = 1 + pick(4);
		for (std::size_t i = 0; i < n; ++i)
			out += pieces[pick(pieces.size())];
		return out;
	}

	std::string idn_domain()
	{
		static constexpr std::array names{"例え",        "日本語", "bücher",
		                                  "xn--r8jz45g", "пример", "MÜNCHEN"};
		return std::string(names[pick(names.size())]) + "." + (pick(2) == 0 ? "jp" : "рф");
	}

	// Local parts that look like encoded ones: T must still invert.
	std::string mimic_encoding()
	{
		static constexpr std::array pieces{"_41", "=",   "_2e", "_", "==", "_zz",
		                                   "-",   "a=b", "_5f", "@", "_3d"};
		std::string out;
		std::size_t n = 1 + pick(6);
		for (std::size_t i = 0; i < n; ++i)
			out += pieces[pick(pieces.size())];
		return out;
	}

	std::string raw_bytes()
	{
		std::string out;
		std::size_t n = 1 + pick(10);
		for (std::size_t i = 0; i < n; ++i) {
			char c = static_cast<char>(pick(256));
			out.push_back(c == '@' ? 'a' : c);
		}
		return out;
	}

	std::string domain()
	{
		std::string out = word(pick(4) == 0 ? mixed_ : lower_, 10);
		std::size_t labels = 1 + pick(3);
		for (std::size_t i = 0; i < labels; ++i)
			out += "." + word(lower_, 8);
		return out;
	}

	std::mt19937_64 rng_;
	static constexpr std::string_view lower_ = "abcdefghijklmnopqrstuvwxyz0123456789";
	static constexpr std::string_view mixed_ = "abcXYZ019-_.=+";
	static constexpr std::string_view atext_ =
	        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-";
};

std::uint64_t fingerprint(std::string_view s)
{
	std::uint64_t h = 14695981039346656037ull;
	for (char c : s) {
		h ^= static_cast<unsigned char>(c);
		h *= 1099511628211ull;
	}
	return h;
}

} // namespace

TEST_CASE("T maps an address to a readable internal address and back")
{
	auto t = make();
	auto internal = t.to_internal("Alice.Smith+tag@Example.com", "b2");
	REQUIRE(internal);
	CHECK(*internal == "_41lice_2e_53mith_2btag=_45xample_2ecom@b2.1dall.invalid");
	auto back = t.to_public(*internal);
	REQUIRE(back);
	CHECK(back->public_address == "Alice.Smith+tag@Example.com");
	CHECK(back->backend == "b2");
}

TEST_CASE("quoted, UTF-8 and IDN addresses keep every byte")
{
	auto t = make();
	for (std::string a : {"\"john doe\"@example.com", "\"a@b\"@example.com", "請求書@例え.jp",
	                      "user=x_41@xn--r8jz45g.jp", "\"\\\"\"@[192.0.2.1]"}) {
		auto internal = t.to_internal(a, "mx-1");
		REQUIRE(internal);
		CHECK(internal->find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-_=@.") ==
		      std::string::npos);
		auto back = t.to_public(*internal);
		REQUIRE(back);
		CHECK(back->public_address == a);
	}
}

TEST_CASE("T refuses what is not local@domain and bad back end ids")
{
	auto t = make();
	CHECK_FALSE(t.to_internal("no-at-sign", "b1"));
	CHECK_FALSE(t.to_internal("@example.com", "b1"));
	CHECK_FALSE(t.to_internal("user@", "b1"));
	CHECK_FALSE(t.to_internal("user@example.com", "B1"));
	CHECK_FALSE(t.to_internal("user@example.com", "-b1"));
	CHECK_FALSE(t.to_internal("user@example.com", "b.1"));
	CHECK_FALSE(t.to_internal(std::string(1100, 'a') + "@x", "b1"));
	CHECK_FALSE(address_transform::create("Bad_Suffix"));
}

TEST_CASE("T^-1 accepts only what T produces")
{
	auto t = make();
	CHECK(t.to_public("alice=example_2ecom@b1.1dall.invalid"));
	CHECK(t.to_public("alice=example_2ecom@B1.1DALL.INVALID."));
	CHECK_FALSE(t.to_public("alice=example_2ecom@b1.other.invalid"));
	CHECK_FALSE(t.to_public("alice=example_2ecom@1dall.invalid"));
	CHECK_FALSE(t.to_public("alice=example_2ecom@a.b1.1dall.invalid"));
	CHECK_FALSE(t.to_public("alice_2eexample_2ecom@b1.1dall.invalid")); // no '='
	CHECK_FALSE(t.to_public("a=b=c@b1.1dall.invalid"));
	CHECK_FALSE(t.to_public("_61lice=example@b1.1dall.invalid")); // 'a' needs no escape
	CHECK_FALSE(t.to_public("_4Blice=example@b1.1dall.invalid")); // upper-case hex
	CHECK_FALSE(t.to_public("Alice=example@b1.1dall.invalid"));
	CHECK_FALSE(t.to_public("alice_2=example@b1.1dall.invalid"));
	CHECK_FALSE(t.to_public("=example@b1.1dall.invalid"));
	CHECK_FALSE(t.to_public("alice=ex_40ample@b1.1dall.invalid")); // '@' in the domain
}

TEST_CASE("round trip and injectivity on a million distinct generated addresses")
{
	auto t = make();
	address_generator generate;
	static constexpr std::array<std::string_view, 5> backends{"b1", "b2", "mx-tokyo", "0",
	                                                          "z9-z"};
	std::unordered_map<std::uint64_t, std::uint64_t> seen; // fingerprint -> index
	seen.reserve(1'200'000);
	std::size_t transformed = 0;
	std::size_t collisions_checked = 0;
	// Some generated inputs repeat; enough are drawn for a million distinct ones.
	constexpr std::uint64_t count = 1'060'000;
	for (std::uint64_t i = 0; i < count; ++i) {
		std::string address = generate(i);
		std::string_view backend = backends[i % backends.size()];
		auto internal = t.to_internal(address, backend);
		REQUIRE_MESSAGE(internal, address);
		++transformed;
		auto back = t.to_public(*internal);
		if (!back || back->public_address != address || back->backend != backend) {
			FAIL_CHECK("round trip broke for " << address);
			continue;
		}
		CHECK(t.is_internal(*internal));
		auto [it, fresh] = seen.emplace(fingerprint(*internal), i);
		if (!fresh) {
			// Same fingerprint: the inputs must be the same too.
			++collisions_checked;
			std::uint64_t j = it->second;
			std::string other = generate(j);
			auto other_internal = t.to_internal(other, backends[j % backends.size()]);
			REQUIRE(other_internal);
			if (*other_internal == *internal)
				CHECK(other == address);
		}
	}
	CHECK(transformed == count);
	CHECK(seen.size() >= 1'000'000);
	MESSAGE(seen.size() << " distinct internal addresses, " << collisions_checked
	                    << " repeated fingerprints re-checked");
}

TEST_CASE("internal addresses are recognised in any case, with or without a trailing dot")
{
	auto t = make();
	CHECK(t.is_internal("x=y@b1.1dall.invalid"));
	CHECK(t.is_internal("anything@B1.1DALL.Invalid."));
	CHECK(t.is_internal("\"q@x\"@1dall.invalid"));
	CHECK(t.is_internal("postmaster@deep.sub.1dall.invalid"));
	CHECK_FALSE(t.is_internal("x@1dall.invalid.example.com"));
	CHECK_FALSE(t.is_internal("x@not1dall.invalid"));
	CHECK_FALSE(t.is_internal("x=y@example.com"));
}

TEST_CASE("routing keys ignore case and +detail")
{
	CHECK(routing_key("Alice+Promo@Example.COM") == "alice@example.com");
	CHECK(routing_key("alice+@example.com") == "alice@example.com");
	CHECK(routing_key("+x@example.com") == "+x@example.com");
	CHECK(routing_key("a+b@example.com", 0) == "a+b@example.com");
}

TEST_CASE("rendezvous hashing spreads users evenly and moves only the new back end's share")
{
	std::vector<std::string> three{"b1", "b2", "b3"};
	std::vector<std::string> four{"b1", "b2", "b3", "b4"};
	std::map<std::string, int, std::less<>> load;
	int moved = 0;
	int moved_elsewhere = 0;
	constexpr int users = 40000;
	for (int i = 0; i < users; ++i) {
		std::string key = "user" + std::to_string(i) + "@example.com";
		std::string_view before = choose_backend(key, three);
		std::string_view after = choose_backend(key, four);
		++load[std::string(after)];
		if (before != after) {
			++moved;
			if (after != "b4")
				++moved_elsewhere;
		}
	}
	CHECK(moved_elsewhere == 0);
	CHECK(moved > users / 4 - users / 40);
	CHECK(moved < users / 4 + users / 40);
	for (auto const &[backend, n] : load) {
		CHECK(n > users / 4 - users / 40);
		CHECK(n < users / 4 + users / 40);
	}
	CHECK(choose_backend("x@example.com", std::vector<std::string>{}).empty());
	// Order of the configured list does not matter.
	std::vector<std::string> shuffled{"b3", "b1", "b4", "b2"};
	CHECK(choose_backend("user7@example.com", four) ==
	      choose_backend("user7@example.com", shuffled));
}
