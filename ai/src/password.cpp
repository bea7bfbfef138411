// Archive passwords written in the message ("Password: 1234",
// "パスワード：abcd"). Senders of encrypted malware must give the reader
// the password, and they usually write it next to the attachment.
#include <algorithm>
#include <array>
#include <string>

#include "ai/inspect.hpp"

namespace ai {
namespace {

// Words after which a password follows, lower-case (ASCII) or as is.
constexpr std::array keywords{
        std::string_view("password"),   std::string_view("passwort"),
        std::string_view("passwd"),     std::string_view("passcode"),
        std::string_view("kennwort"),   std::string_view("senha"),
        std::string_view("contraseña"), std::string_view("mot de passe"),
        std::string_view("pwd"),        std::string_view("pw"),
        std::string_view("pass"),       std::string_view("パスワード"),
        std::string_view("暗証番号"),   std::string_view("解凍"),
        std::string_view("密码"),       std::string_view("пароль"),
};

// Separators between the keyword and the password: spaces, colons,
// "is", quotes and brackets, in ASCII and full width.
constexpr std::array separators{
        std::string_view(" "),    std::string_view("\t"),   std::string_view("\r"),
        std::string_view("\n"),   std::string_view(":"),    std::string_view("="),
        std::string_view("\""),   std::string_view("'"),    std::string_view("-"),
        std::string_view("is"),   std::string_view("："),   std::string_view("は"),
        std::string_view("「"),   std::string_view("『"),   std::string_view("　"),
        std::string_view("＝"),   std::string_view("(", 1), std::string_view("（"),
        std::string_view("<b>"),  std::string_view("<"),    std::string_view("*"),
        std::string_view("キー"), std::string_view("です"),
};

// Bytes and sequences that end a password token.
constexpr std::array terminators{
        std::string_view(" "),  std::string_view("\t"), std::string_view("\r"),
        std::string_view("\n"), std::string_view("\""), std::string_view("'"),
        std::string_view("<"),  std::string_view(")"),  std::string_view("」"),
        std::string_view("』"), std::string_view("）"), std::string_view("　"),
        std::string_view("。"), std::string_view("、"),
};

bool matches_nocase(std::string_view text, std::size_t pos, std::string_view word)
{
	if (pos + word.size() > text.size())
		return false;
	for (std::size_t i = 0; i < word.size(); ++i) {
		char c = text[pos + i];
		if (c >= 'A' && c <= 'Z')
			c = static_cast<char>(c - 'A' + 'a');
		if (c != word[i])
			return false;
	}
	return true;
}

bool is_word_byte(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

std::size_t skip_separators(std::string_view text, std::size_t pos)
{
	for (int rounds = 0; rounds < 8 && pos < text.size(); ++rounds) {
		bool moved = false;
		for (std::string_view sep : separators)
			while (matches_nocase(text, pos, sep)) {
				pos += sep.size();
				moved = true;
			}
		if (!moved)
			break;
	}
	return pos;
}

std::string_view token_at(std::string_view text, std::size_t pos)
{
	std::size_t end = pos;
	while (end < text.size() && end - pos < 64) {
		bool stop = false;
		for (std::string_view t : terminators)
			if (text.compare(end, t.size(), t) == 0) {
				stop = true;
				break;
			}
		if (stop)
			break;
		++end;
	}
	std::string_view token = text.substr(pos, end - pos);
	while (!token.empty() && (token.back() == '.' || token.back() == ','))
		token.remove_suffix(1);
	return token;
}

} // namespace

std::vector<std::string> password_candidates(std::string_view text, std::size_t max)
{
	std::vector<std::string> found;
	for (std::size_t pos = 0; pos < text.size() && found.size() < max; ++pos) {
		for (std::string_view word : keywords) {
			if (!matches_nocase(text, pos, word))
				continue;
			// ASCII keywords must stand alone ("pass" not in "compass").
			bool ascii = is_word_byte(word[0]);
			if (ascii && pos > 0 && is_word_byte(text[pos - 1]))
				continue;
			std::size_t after = pos + word.size();
			if (ascii && after < text.size() &&
			    (text[after] == 's' || text[after] == 'S'))
				++after; // "passwords"
			if (ascii && after < text.size() && is_word_byte(text[after]))
				continue; // "passport", "pwned"
			std::string_view token = token_at(text, skip_separators(text, after));
			if (!token.empty() &&
			    std::find(found.begin(), found.end(), token) == found.end())
				found.emplace_back(token);
			pos = after > pos ? after - 1 : pos;
			break;
		}
	}
	return found;
}

} // namespace ai
