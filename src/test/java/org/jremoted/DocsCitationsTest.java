package org.jremoted;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The code cites the project's own documents by file and section, e.g. "docs/protocol.md §3.2" or
 * "docs/hardening.md, "Logs"". A clone must be able to follow every such citation, so this test
 * reads every source, script, packaging file and document and fails when a cited document or section does
 * not exist, or when a citation names one of the outside specification's files without the docs/
 * path (those files are not part of the repository). Pure file reading; any thread.
 */
class DocsCitationsTest {

    /** Where the sources live, relative to the project directory. */
    private static final List<String> SCANNED = List.of("src/main", "src/test", "scripts", "bin", "packaging",
            "etc", "docs", "test-fixtures", "README.md");
    private static final Set<String> TEXT_SUFFIXES = Set.of(".java", ".c", ".h", ".sh", ".md", ".xml", ".service",
            ".conf", "");

    /** A docs/ citation: the file, then optionally sections (§1, §1.2, ranges §1–3, lists §1, §3). */
    private static final Pattern CITATION = Pattern.compile(
            "docs/([A-Za-z0-9_.-]+\\.md)((?:\\s*§[0-9]+(?:\\.[0-9]+)*(?:\\s*[–-]\\s*§?[0-9]+(?:\\.[0-9]+)*)?"
                    + "(?:\\s*,\\s*§[0-9]+(?:\\.[0-9]+)*(?:\\s*[–-]\\s*§?[0-9]+(?:\\.[0-9]+)*)?)*)?)"
                    + "(?:,\\s*\"([^\"]+)\")?");
    private static final Pattern SECTION_NUMBER = Pattern.compile("[0-9]+(?:\\.[0-9]+)*");
    /** One of the outside specification's files named without docs/ in front. */
    private static final Pattern BARE = Pattern.compile("(?<![\\w/.-])(wire|executor|proxy|daemon|agents)\\.md");
    /** A comment line break: the next line's comment marker and indentation. */
    private static final Pattern LINE_BREAK = Pattern.compile("[ \\t]*\\R[ \\t]*(?:\\*(?!/)|//|#)?[ \\t]*");

    @Test
    void everyCitationInTheRepositoryNamesADocumentAndSectionThatExist() throws IOException {
        Path home = Path.of(System.getProperty("jremoted.home", System.getProperty("user.dir")));
        Path docs = home.resolve("docs");
        assertTrue(Files.isDirectory(docs), "no docs/ directory under " + home);
        Path self = home.resolve("src/test/java/org/jremoted/DocsCitationsTest.java");
        List<String> problems = new ArrayList<>();
        int citations = 0;
        Map<String, List<String>> headings = new HashMap<>();
        for (String root : SCANNED) {
            Path dir = home.resolve(root);
            if (!Files.exists(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)
                        .filter(DocsCitationsTest::isText).filter(f -> !f.equals(self))::iterator) {
                    String text;
                    try {
                        text = Files.readString(file, StandardCharsets.UTF_8);
                    } catch (java.nio.charset.MalformedInputException binary) {
                        continue; // fuzz corpora and other binary inputs cite nothing
                    }
                    Check check = check(home.relativize(file).toString(), text, docs, headings);
                    problems.addAll(check.problems());
                    citations += check.citations();
                }
            }
        }
        assertEquals(List.of(), problems, "citations a clone cannot follow");
        assertTrue(citations > 50, "found only " + citations + " docs/ citations: is the scan looking in the right place?");
    }

    @Test
    void aCitationOfAnExistingSectionPasses(@TempDir Path docs) throws IOException {
        writeDoc(docs, "protocol.md", "# Wire\n\n## 3. Framing\n\n### 3.2 Sending\n\n## 5. Malformed input\n");
        Check check = check("A.java", "/** Header first (docs/protocol.md §3.2), see also §5 and docs/protocol.md. */",
                docs, new HashMap<>());
        assertEquals(List.of(), check.problems());
        assertEquals(2, check.citations());
    }

    @Test
    void aCitationOfAMissingSectionFails(@TempDir Path docs) throws IOException {
        writeDoc(docs, "protocol.md", "# Wire\n\n## 3. Framing\n\n### 3.1 Reading\n");
        Check check = check("A.java", "// (docs/protocol.md §3.2)", docs, new HashMap<>());
        assertEquals(List.of("A.java: docs/protocol.md has no section §3.2"), check.problems());
    }

    @Test
    void aSectionNumberMatchesOnlyTheWholeNumber(@TempDir Path docs) throws IOException {
        writeDoc(docs, "protocol.md", "# Wire\n\n### 3.1 Reading\n\n## 13. Other\n");
        Check check = check("A.java", "// (docs/protocol.md §3) and (docs/protocol.md §1)", docs, new HashMap<>());
        assertEquals(List.of("A.java: docs/protocol.md has no section §3",
                "A.java: docs/protocol.md has no section §1"), check.problems());
    }

    @Test
    void everySectionOfARangeOrListIsChecked(@TempDir Path docs) throws IOException {
        writeDoc(docs, "executor.md", "# E\n\n## 1. Envelope\n\n## 3. Operations\n");
        Check check = check("A.java", "/* (docs/executor.md §1–3, §4) and (docs/executor.md §1–§2) */", docs,
                new HashMap<>());
        assertEquals(List.of("A.java: docs/executor.md has no section §4",
                "A.java: docs/executor.md has no section §2"), check.problems());
    }

    @Test
    void aCitationOfAMissingDocumentFails(@TempDir Path docs) {
        Check check = check("run.sh", "# see docs/nosuch.md §1", docs, new HashMap<>());
        assertEquals(List.of("run.sh: docs/nosuch.md does not exist"), check.problems());
    }

    @Test
    void aCitationOfTheOutsideSpecificationFails(@TempDir Path docs) throws IOException {
        writeDoc(docs, "protocol.md", "# Wire\n\n## 3. Framing\n");
        String bare = "wire" + ".md §3";
        Check check = check("A.java", "/** The header (" + bare + "). */", docs, new HashMap<>());
        assertEquals(List.of("A.java: 'wire.md' is not in the repository: cite docs/<file>.md §<n>"),
                check.problems());
    }

    @Test
    void aQuotedHeadingMustExistAndMayBeBrokenAcrossCommentLines(@TempDir Path docs) throws IOException {
        writeDoc(docs, "hardening.md", "# H\n\n## Clients that stop reading\n\n## Logs\n");
        String text = "/**\n * Limits (docs/hardening.md, \"Clients that\n * stop reading\") and (docs/hardening.md,"
                + " \"Logs\") and (docs/hardening.md, \"Memory budget\").\n */";
        Check check = check("A.java", text, docs, new HashMap<>());
        assertEquals(List.of("A.java: docs/hardening.md has no heading \"Memory budget\""), check.problems());
    }

    private static void writeDoc(Path docs, String name, String text) throws IOException {
        Files.writeString(docs.resolve(name), text, StandardCharsets.UTF_8);
    }

    private static boolean isText(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return TEXT_SUFFIXES.contains(dot < 0 ? "" : name.substring(dot));
    }

    /** What {@link #check} found in one file. */
    record Check(List<String> problems, int citations) {
    }

    /** Checks one file's text against the documents in {@code docs}; headings caches them by name. */
    static Check check(String source, String text, Path docs, Map<String, List<String>> headings) {
        String joined = LINE_BREAK.matcher(text).replaceAll(" ");
        List<String> problems = new ArrayList<>();
        int citations = 0;
        Matcher m = CITATION.matcher(joined);
        while (m.find()) {
            citations++;
            String doc = m.group(1);
            List<String> docHeadings = headings.computeIfAbsent(doc, d -> readHeadings(docs.resolve(d)));
            if (docHeadings == null) {
                problems.add(source + ": docs/" + doc + " does not exist");
                continue;
            }
            Matcher n = SECTION_NUMBER.matcher(m.group(2) == null ? "" : m.group(2));
            while (n.find()) {
                String section = n.group();
                if (docHeadings.stream().noneMatch(h -> numbered(h, section))) {
                    problems.add(source + ": docs/" + doc + " has no section §" + section);
                }
            }
            String quoted = m.group(3);
            if (quoted != null && docHeadings.stream().noneMatch(h -> h.startsWith(quoted))) {
                problems.add(source + ": docs/" + doc + " has no heading \"" + quoted + "\"");
            }
        }
        Matcher bare = BARE.matcher(joined);
        while (bare.find()) {
            problems.add(source + ": '" + bare.group() + "' is not in the repository: cite docs/<file>.md §<n>");
        }
        return new Check(problems, citations);
    }

    /** Whether a heading's text starts with this section number as a whole ("3.1 X", "3. X"). */
    private static boolean numbered(String heading, String section) {
        if (!heading.startsWith(section)) {
            return false;
        }
        String rest = heading.substring(section.length());
        return rest.isEmpty() || rest.startsWith(" ") || rest.startsWith(". ") || rest.equals(".");
    }

    /** The heading texts of a Markdown file (outside code blocks), or null if it does not exist. */
    private static List<String> readHeadings(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            List<String> result = new ArrayList<>();
            boolean code = false;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.startsWith("```")) {
                    code = !code;
                } else if (!code && line.startsWith("#")) {
                    result.add(line.replaceFirst("^#+\\s*", "").strip());
                }
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
