package org.jremoted.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jremoted.protocol.XmlCodec;
import org.jremoted.protocol.XmlNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaDownloadTest {
    @TempDir
    Path tmp;

    private SchemaDownload download() throws Exception {
        Path installed = Files.createDirectories(tmp.resolve("installed"));
        Files.writeString(installed.resolve("pacemaker-3.9.rng"), "x");
        Files.writeString(installed.resolve("pacemaker-3.10.rng"), "x");
        Files.writeString(installed.resolve("pacemaker-next.rng"), "x");
        return new SchemaDownload(tmp.resolve("schemas"), installed);
    }

    @Test
    void onlyProvidersWithProtocol12OrLaterStartADownload() {
        assertTrue(SchemaDownload.wanted(true, "1.2"));
        assertTrue(SchemaDownload.wanted(true, "2.0"));
        assertFalse(SchemaDownload.wanted(true, "1.1"));
        assertFalse(SchemaDownload.wanted(false, "1.2"));
        assertFalse(SchemaDownload.wanted(true, null));
    }

    @Test
    void theSettingIsAnOptOut() {
        assertTrue(SchemaDownload.enabled(null));
        assertTrue(SchemaDownload.enabled(""));
        assertTrue(SchemaDownload.enabled("yes"));
        assertFalse(SchemaDownload.enabled("no"));
        assertFalse(SchemaDownload.enabled("off"));
        assertFalse(SchemaDownload.enabled("0"));
    }

    /** The CIB manager's answer to a sign-on (based's ack carries only these two attributes). */
    private static XmlNode registerReply(String clientId) {
        String id = clientId == null ? "" : " cib_clientid=\"" + clientId + "\"";
        return parse("<cib_common_callback_worker cib_op=\"register\"" + id + "/>");
    }

    private static XmlNode parse(String xml) {
        try {
            return XmlCodec.parse(xml.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static XmlNode command(XmlNode request) {
        return request.child("lrmd_ipc_msg").orElseThrow().child("cib_command").orElseThrow();
    }

    @Test
    void signsOnToTheCibOverTheCibRoChannelFirst() throws Exception {
        SchemaDownload d = download();
        List<XmlNode> out = d.start(0);
        assertEquals(2, out.size());
        XmlNode open = out.get(0);
        assertEquals("new", open.attr("lrmd_ipc_op"));
        assertEquals("cib_ro", open.attr("lrmd_ipc_server"));
        String session = open.attr("lrmd_ipc_session");
        assertEquals(session, d.session());
        assertEquals(SchemaDownload.State.SIGNING_ON, d.state());
        XmlNode request = out.get(1);
        assertEquals("request", request.attr("lrmd_ipc_op"));
        assertEquals(session, request.attr("lrmd_ipc_session"));
        assertEquals("1", request.attr("lrmd_ipc_msg_id"));
        assertEquals("768", request.attr("lrmd_ipc_msg_flags"), "wants a reply, proxied");
        XmlNode register = command(request);
        assertEquals("register", register.attr("cib_op"));
        assertEquals("cib", register.attr("t"));
        assertEquals("1", register.attr("cib_callid"));
        assertEquals("4096", register.attr("cib_callopt"), "cib_sync_call");
        assertEquals("pacemaker-remoted", register.attr("cib_clientname"));
        assertTrue(Files.isDirectory(tmp.resolve("schemas")));
    }

    @Test
    void asksForFilesNewerThanTheNewestInstalledSchemaOnceSignedOn() throws Exception {
        SchemaDownload d = download();
        String session = d.start(0).get(0).attr("lrmd_ipc_session");
        XmlNode request = only(d.response(registerReply("b1e2")));
        assertEquals(SchemaDownload.State.REQUESTED, d.state());
        assertEquals("request", request.attr("lrmd_ipc_op"));
        assertEquals(session, request.attr("lrmd_ipc_session"));
        assertEquals("2", request.attr("lrmd_ipc_msg_id"));
        assertEquals("768", request.attr("lrmd_ipc_msg_flags"));
        XmlNode schemas = command(request);
        assertEquals("cib_schemas", schemas.attr("cib_op"));
        assertEquals("2", schemas.attr("cib_callid"));
        // Without cib_sync_call the CIB answers with an event the proxy protocol does not pair
        // with the request: this is why a real 3.0.0 cluster never seemed to answer.
        assertEquals("4096", schemas.attr("cib_callopt"));
        XmlNode schema = schemas.child("cib_calldata").orElseThrow().child("schema").orElseThrow();
        assertEquals("pacemaker-3.10", schema.attr("version"));
    }

    @Test
    void aSignOnWithoutClientIdEndsTheDownload() throws Exception {
        SchemaDownload d = download();
        String session = d.start(0).get(0).attr("lrmd_ipc_session");
        XmlNode end = only(d.response(registerReply(null)));
        assertEquals("destroy", end.attr("lrmd_ipc_op"));
        assertEquals(session, end.attr("lrmd_ipc_session"));
        assertEquals(SchemaDownload.State.FAILED, d.state());

        d.start(0);
        // What the controller relays when it cannot pass the request on
        assertEquals("destroy", only(d.response(parse("<nack function=\"remote_proxy_cb\" rc=\"-107\"/>")))
                .attr("lrmd_ipc_op"));
        assertEquals(SchemaDownload.State.FAILED, d.state());
    }

    @Test
    void writesEveryFileOfTheReplyAndEndsTheSession() throws Exception {
        SchemaDownload d = download();
        Files.createDirectories(tmp.resolve("schemas"));
        Files.writeString(tmp.resolve("schemas/stale.rng"), "from an earlier cluster");
        String session = d.start(0).get(0).attr("lrmd_ipc_session");
        assertFalse(Files.exists(tmp.resolve("schemas/stale.rng")), "the directory is emptied first");
        d.response(registerReply("b1e2"));
        // The payload of the controller's response, as based builds it
        String reply = "<cib-reply t=\"cib\" cib_op=\"cib_schemas\" cib_callid=\"2\" cib_clientid=\"b1e2\""
                + " cib_callopt=\"4096\" cib_rc=\"0\"><cib_calldata><schemas>"
                + "<schema version=\"pacemaker-4.0\"><file path=\"pacemaker-4.0.rng\"><![CDATA[<grammar a=\"&amp;\"/>]]></file>"
                + "<file path=\"constraints-4.0.rng\"><![CDATA[<x/>]]></file></schema>"
                + "<schema version=\"pacemaker-4.1\"><file path=\"../../etc/evil\"><![CDATA[no]]></file>"
                + "<file path=\"nocdata.rng\">plain</file></schema>"
                + "</schemas></cib_calldata></cib-reply>";
        XmlNode end = only(d.response(parse(reply)));
        assertEquals("destroy", end.attr("lrmd_ipc_op"));
        assertEquals(session, end.attr("lrmd_ipc_session"));
        assertEquals(SchemaDownload.State.DONE, d.state());
        assertNull(d.session());
        assertTrue(d.owns(session), "the controller's echo of our destroy is still ours");
        assertTrue(d.response(parse(reply)).isEmpty(), "a late reply changes nothing");
        assertEquals("<grammar a=\"&amp;\"/>", Files.readString(tmp.resolve("schemas/pacemaker-4.0.rng")));
        assertEquals("<x/>", Files.readString(tmp.resolve("schemas/constraints-4.0.rng")));
        assertFalse(Files.exists(tmp.resolve("etc/evil")));
        // Plain text is content as much as CDATA is.
        assertEquals("plain", Files.readString(tmp.resolve("schemas/nocdata.rng")));
        try (var files = Files.list(tmp.resolve("schemas"))) {
            assertEquals(3, files.count());
        }
    }

    @Test
    void anUpToDateNodeGetsAnEmptyAnswer() throws Exception {
        SchemaDownload d = download();
        d.start(0);
        d.response(registerReply("b1e2"));
        d.response(parse("<cib-reply cib_op=\"cib_schemas\" cib_callid=\"2\" cib_rc=\"0\"><cib_calldata><schemas/>"
                + "</cib_calldata></cib-reply>"));
        assertEquals(SchemaDownload.State.DONE, d.state());
    }

    @Test
    void failuresLeaveAnEmptyDirectory() throws Exception {
        SchemaDownload d = download();
        d.start(0);
        assertTrue(d.expireIfOverdue(SchemaDownload.TIME_LIMIT_MS * 1_000_000L - 1).isEmpty());
        XmlNode end = d.expireIfOverdue(SchemaDownload.TIME_LIMIT_MS * 1_000_000L + 1).orElseThrow();
        assertEquals("destroy", end.attr("lrmd_ipc_op"));
        assertEquals(SchemaDownload.State.FAILED, d.state());

        d.start(0);
        d.response(registerReply("b1e2"));
        // A file name that is a directory already cannot be written: the whole download fails.
        Files.createDirectories(tmp.resolve("schemas/taken.rng/inside"));
        d.response(parse("<cib-reply cib_callid=\"2\" cib_rc=\"0\"><file path=\"ok.rng\">a</file>"
                + "<file path=\"taken.rng\">b</file></cib-reply>"));
        assertEquals(SchemaDownload.State.FAILED, d.state());
        try (var files = Files.list(tmp.resolve("schemas"))) {
            assertEquals(0, files.count());
        }

        d.start(0);
        d.response(registerReply("b1e2"));
        d.response(parse("<cib-reply cib_callid=\"2\" cib_rc=\"-13\"><file path=\"ok.rng\">a</file></cib-reply>"));
        assertEquals(SchemaDownload.State.FAILED, d.state(), "an error from the CIB writes nothing");
        assertFalse(Files.exists(tmp.resolve("schemas/ok.rng")));

        d.start(0);
        d.response(registerReply("b1e2"));
        d.response(parse("<cib-reply cib_callid=\"7\" cib_rc=\"0\"><file path=\"ok.rng\">a</file></cib-reply>"));
        assertEquals(SchemaDownload.State.FAILED, d.state(), "a reply to another call is not ours");

        d.start(0);
        d.destroyed();
        assertEquals(SchemaDownload.State.FAILED, d.state());
    }

    @Test
    void restartingAbandonsTheEarlierSession() throws Exception {
        SchemaDownload d = download();
        String first = d.start(0).get(0).attr("lrmd_ipc_session");
        List<XmlNode> again = d.start(1);
        assertEquals(3, again.size());
        assertEquals("destroy", again.get(0).attr("lrmd_ipc_op"));
        assertEquals(first, again.get(0).attr("lrmd_ipc_session"));
        assertFalse(first.equals(d.session()));
        assertFalse(d.owns(first));
    }

    private static XmlNode only(List<XmlNode> messages) {
        assertEquals(1, messages.size(), messages.toString());
        return messages.get(0);
    }

    @Test
    void aDirectoryPathThatIsAFileFailsCleanly() throws Exception {
        Files.writeString(tmp.resolve("schemas"), "a file");
        SchemaDownload d = download();
        assertTrue(d.start(0).isEmpty());
        assertEquals(SchemaDownload.State.FAILED, d.state());
    }
}
