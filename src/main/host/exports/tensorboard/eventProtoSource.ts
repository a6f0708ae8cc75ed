/**
 * The subset of TensorBoard's `event.proto` (Event) and `summary.proto` (Summary, Summary.Value,
 * HistogramProto) the workbench writes, with the published field numbers; fields it never sets are
 * left out, which protobuf readers skip by design.
 */
export const eventProtoSource = `
syntax = "proto3";
package tensorboard;

message HistogramProto {
  double min = 1;
  double max = 2;
  double num = 3;
  double sum = 4;
  double sum_squares = 5;
  repeated double bucket_limit = 6 [packed = true];
  repeated double bucket = 7 [packed = true];
}

message Summary {
  message Value {
    string tag = 1;
    oneof value {
      float simple_value = 2;
      HistogramProto histo = 5;
    }
  }
  repeated Value value = 1;
}

message Event {
  double wall_time = 1;
  int64 step = 2;
  oneof what {
    string file_version = 3;
    Summary summary = 5;
  }
}
`
