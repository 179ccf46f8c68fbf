// Specs for security-no-key-material-in-plain-text, run through the pack's analyzer like the gate.
import { strict as assert } from "node:assert";
import { violationsOf } from "../check";
import { cluster, job, secret, wireSecret, wireUnknown } from "../factories";

const policy = "security-no-key-material-in-plain-text";
const connectionString =
    "Endpoint=sb://ehns.servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccessKey=c2VjcmV0;EntityPath=weather";

function withParameters(baseParameters: Record<string, unknown>) {
    return job({ inputs: { tasks: [{ taskKey: "bronze", notebookTask: { notebookPath: "/x", baseParameters } }] } });
}

describe(policy, () => {
    it("accepts scope and key names in notebook parameters, and the value inside a databricks Secret", async () => {
        assert.deepEqual(await violationsOf(policy, [job(), cluster(), secret()]), []);
    });

    it("rejects a connection string in notebook parameters without echoing it", async () => {
        const [violation] = await violationsOf(policy, [withParameters({ connection_string: connectionString })]);
        assert.match(
            violation.message,
            /Found key material at tasks\[0\].notebookTask.baseParameters.connection_string/,
        );
        assert.doesNotMatch(violation.message, /c2VjcmV0/);
    });

    it("rejects a token in Spark conf even when the program marked it secret", async () => {
        // A secret marker keeps it out of the state, not out of the cluster's conf that every user can read.
        const sparkConf = { "spark.databricks.token": wireSecret("dapi0123456789abcdef0123456789abcdef") };
        const [violation] = await violationsOf(policy, [cluster({ inputs: { sparkConf } })]);
        assert.match(violation.message, /sparkConf.spark.databricks.token/);
    });

    it("rejects a storage key inside a notebook's base64 source", async () => {
        const source = Buffer.from("key = 'DefaultEndpointsProtocol=https;AccountKey=abc123=='").toString("base64");
        const notebook = { ...job(), type: "databricks:index/notebook:Notebook", inputs: { contentBase64: source } };
        assert.equal((await violationsOf(policy, [notebook])).length, 1);
    });

    it("skips parameters unknown during preview and still checks the others", async () => {
        const mixed = withParameters({ pending: wireUnknown, leaked: connectionString });
        const violations = await violationsOf(policy, [mixed]);
        assert.equal(violations.length, 1);
        assert.match(violations[0].message, /baseParameters.leaked/);
    });
});
