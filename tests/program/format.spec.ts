// How the plan shows values it cannot or must not reveal: secrets, values unknown before deployment, references.
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { displayValue } from "../../src/plan/format";

const secret = (value: unknown) => ({
    [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig,
    value,
});

describe("plan display", function () {
    it("masks secrets and unknowns at any depth and leaves plain values alone", function () {
        const wire = {
            name: "weather",
            partitionCount: 2,
            stringValue: secret("Endpoint=sb://x/;SharedAccessKey=abc"),
            nested: { list: [1, pulumi.runtime.unknownValue, secret(["a", "b"])], id: pulumi.runtime.unknownValue },
            absent: null,
        };
        assert.deepEqual(displayValue(wire), {
            name: "weather",
            partitionCount: 2,
            stringValue: "[secret]",
            nested: { list: [1, "[unknown]", "[secret]"], id: "[unknown]" },
            absent: null,
        });
    });

    it("shows a resource reference by its URN", function () {
        const reference = {
            [pulumi.runtime.specialSigKey]: pulumi.runtime.specialResourceSig,
            urn: "urn:pulumi:dev::lakestream::pulumi:providers:databricks::p",
            id: "abc",
        };
        assert.equal(displayValue(reference), "urn:pulumi:dev::lakestream::pulumi:providers:databricks::p");
    });
});
