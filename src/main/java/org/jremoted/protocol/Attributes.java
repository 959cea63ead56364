package org.jremoted.protocol;

/**
 * Element and attribute names of the executor protocol, kept in one place so that a misspelt name
 * cannot silently produce a message the cluster ignores.
 */
public final class Attributes {

    // Root elements
    public static final String COMMAND = "lrmd_command";
    public static final String REPLY = "lrmd_reply";
    public static final String NOTIFY = "lrmd_notify";
    public static final String IPC_PROXY = "lrmd_ipc_proxy";

    // Children
    public static final String CALLDATA = "lrmd_calldata";
    public static final String RSC = "lrmd_rsc";
    public static final String RSC_OP = "lrmd_rsc_op";
    public static final String ALERT = "lrmd_alert";
    public static final String PARAMETERS = "attributes";
    /** Parameters whose names are not valid XML names travel as {@code <param name= value=/>}. */
    public static final String PARAM = "param";
    public static final String PARAM_NAME = "name";
    public static final String PARAM_VALUE = "value";

    // Envelope
    public static final String T = "t";
    public static final String OP = "lrmd_op";
    public static final String ORIGIN = "lrmd_origin";
    public static final String RC = "lrmd_rc";
    public static final String CALL_ID = "lrmd_callid";
    public static final String CALL_OPTIONS = "lrmd_callopt";
    public static final String TIMEOUT = "lrmd_timeout";
    public static final String CLIENT_ID = "lrmd_clientid";
    public static final String CLIENT_NAME = "lrmd_clientname";
    public static final String PROTOCOL_VERSION = "lrmd_protocol_version";
    public static final String IS_IPC_PROVIDER = "lrmd_is_ipc_provider";
    public static final String REMOTE_MSG_ID = "lrmd_remote_msg_id";
    public static final String REMOTE_MSG_TYPE = "lrmd_remote_msg_type";
    public static final String UPTIME = "uptime";
    public static final String NODE_START_STATE = "node_start_state";
    public static final String WATCHDOG = "lrmd_watchdog";

    // Resource and operation
    public static final String RSC_ID = "lrmd_rsc_id";
    public static final String CLASS = "lrmd_class";
    public static final String PROVIDER = "lrmd_provider";
    public static final String TYPE = "lrmd_type";
    public static final String RSC_ACTION = "lrmd_rsc_action";
    public static final String RSC_INTERVAL = "lrmd_rsc_interval";
    public static final String RSC_START_DELAY = "lrmd_rsc_start_delay";
    public static final String RSC_USERDATA = "lrmd_rsc_userdata_str";
    public static final String RSC_DELETED = "lrmd_rsc_deleted";
    public static final String RSC_OUTPUT = "lrmd_rsc_output";
    public static final String RSC_EXIT_REASON = "lrmd_rsc_exit_reason";
    public static final String EXEC_RC = "lrmd_exec_rc";
    public static final String EXEC_OP_STATUS = "lrmd_exec_op_status";
    public static final String RUN_TIME = "lrmd_run_time";
    public static final String RCCHANGE_TIME = "lrmd_rcchange_time";
    public static final String EXEC_TIME = "lrmd_exec_time";
    public static final String QUEUE_TIME = "lrmd_queue_time";

    // Alerts
    public static final String ALERT_ID = "lrmd_alert_id";
    public static final String ALERT_PATH = "lrmd_alert_path";

    // IPC proxy
    public static final String IPC_OP = "lrmd_ipc_op";
    public static final String IPC_SESSION = "lrmd_ipc_session";
    public static final String IPC_SERVER = "lrmd_ipc_server";
    public static final String IPC_CLIENT = "lrmd_ipc_client";
    public static final String IPC_USER = "lrmd_ipc_user";
    public static final String IPC_MSG_ID = "lrmd_ipc_msg_id";
    public static final String IPC_MSG_FLAGS = "lrmd_ipc_msg_flags";
    public static final String IPC_MSG = "lrmd_ipc_msg";

    // Values of lrmd_remote_msg_type
    public static final String MSG_TYPE_REPLY = "reply";
    public static final String MSG_TYPE_NOTIFY = "notify";

    // Values of lrmd_op
    public static final String OP_REGISTER = "register";
    public static final String OP_RSC_REGISTER = "lrmd_rsc_register";
    public static final String OP_RSC_INFO = "lrmd_rsc_info";
    public static final String OP_RSC_UNREGISTER = "lrmd_rsc_unregister";
    public static final String OP_RSC_EXEC = "lrmd_rsc_exec";
    public static final String OP_RSC_CANCEL = "lrmd_rsc_cancel";
    public static final String OP_GET_RECURRING = "lrmd_get_recurring";
    public static final String OP_POKE = "lrmd_rsc_poke";
    public static final String OP_CHECK = "lrmd_check";
    public static final String OP_ALERT_EXEC = "lrmd_alert_exec";
    public static final String OP_IPC_FWD = "ipc_fwd";
    public static final String OP_METADATA = "lrmd_rsc_metadata";
    public static final String OP_NEW_CLIENT = "lrmd_rsc_new_client";

    // Values of lrmd_ipc_op
    public static final String IPC_OP_SHUTDOWN_REQ = "shutdown_req";
    public static final String IPC_OP_SHUTDOWN_ACK = "shutdown_ack";
    public static final String IPC_OP_SHUTDOWN_NACK = "shutdown_nack";
    public static final String IPC_OP_NEW = "new";
    public static final String IPC_OP_REQUEST = "request";
    public static final String IPC_OP_RESPONSE = "response";
    public static final String IPC_OP_EVENT = "event";
    public static final String IPC_OP_DESTROY = "destroy";

    // Values of lrmd_origin (names of the upstream functions; peers only log them)
    public static final String ORIGIN_MESSAGE = "process_lrmd_message";
    public static final String ORIGIN_SIGNON = "process_lrmd_signon";
    public static final String ORIGIN_RSC_INFO = "process_lrmd_get_rsc_info";
    public static final String ORIGIN_GET_RECURRING = "process_lrmd_get_recurring";
    public static final String ORIGIN_GENERIC_NOTIFY = "send_generic_notify";
    public static final String ORIGIN_NEW_CLIENT = "notify_of_new_client";
    public static final String ORIGIN_COMPLETE_NOTIFY = "send_cmd_complete_notify";

    /** The protocol version we report; neither client version checks it. */
    public static final String SERVER_PROTOCOL_VERSION = "1.2";

    private Attributes() {
    }
}
