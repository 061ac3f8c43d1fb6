// Imported by `modelgen import` from fashion_resnet.onnx (pytorch 1.13.0, ONNX opset 17).
// The weights are in FashionResNet.safetensors, under the layer names below:
//     var model = new FashionResNet();
//     model.LoadWeights("FashionResNet.safetensors");
// The model is inference-only (Predict). To fine-tune it, add a [Loss(...)] and an optimizer attribute (such as
// [Adam]) after the layers. A Dropout node of the file is left out (the identity in Predict); a comment says where
// its [Dropout(rate)] would go.
using ModelGen;

namespace OnnxImport;

/// <summary>
/// Imported from <c>fashion_resnet.onnx</c>: 14 layers, 43,626 parameters, input [1, 28, 28], output [10].
/// </summary>
[Model(BatchSize = 32)]
[Input(1, 28, 28)] // ONNX input "image": [batch, 1, 28, 28]
// conv2d0 -> [16, 28, 28]: /0/Conv + /2/Relu
[Conv2D(16, 3, Activation.ReLU, Padding = Padding.Same)]
// conv2d1 -> [16, 28, 28]: /3/body/body.0/Conv + /3/body/body.2/Relu
[Conv2D(16, 3, Activation.ReLU, Padding = Padding.Same)]
// conv2d2 -> [16, 28, 28]: /3/body/body.3/Conv
[Conv2D(16, 3, Padding = Padding.Same)]
// add0 -> [16, 28, 28]: /3/Add
[Add("conv2d0")]
// relu0 -> [16, 28, 28]: /3/Relu
[ReLU]
// maxpool2d0 -> [16, 14, 14]: /4/MaxPool
[MaxPool2D(2)]
// conv2d3 -> [32, 14, 14]: /5/Conv + /7/Relu
[Conv2D(32, 3, Activation.ReLU, Padding = Padding.Same)]
// conv2d4 -> [32, 14, 14]: /8/body/body.0/Conv + /8/body/body.2/Relu
[Conv2D(32, 3, Activation.ReLU, Padding = Padding.Same)]
// conv2d5 -> [32, 14, 14]: /8/body/body.3/Conv
[Conv2D(32, 3, Padding = Padding.Same)]
// add1 -> [32, 14, 14]: /8/Add
[Add("conv2d3")]
// relu1 -> [32, 14, 14]: /8/Relu
[ReLU]
// maxpool2d1 -> [32, 7, 7]: /9/MaxPool
[MaxPool2D(2)]
// flatten0 -> [1568]: /10/Flatten
[Flatten]
// dense0 -> [10]: /12/Gemm
[Dense(10)]
public partial class FashionResNet;
