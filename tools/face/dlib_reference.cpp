// Reference output of dlib itself for kycd's face pipeline tests: for each image, dlib's HOG
// face boxes, the 5 landmarks of dlib's shape predictor in the largest box, the 150x150 chip
// dlib aligns from them (written as PNG), and the 128-d descriptor of its ResNet. kycd's own
// port of the shape predictor and the ONNX conversion are checked against these numbers.
// Build and run: see build.sh.
#include <dlib/dnn.h>
#include <dlib/image_io.h>
#include <dlib/image_processing/frontal_face_detector.h>
#include <iostream>

using namespace dlib;

template <template <int, template <typename> class, int, typename> class block, int N,
          template <typename> class BN, typename SUBNET>
using residual = add_prev1<block<N, BN, 1, tag1<SUBNET>>>;
template <template <int, template <typename> class, int, typename> class block, int N,
          template <typename> class BN, typename SUBNET>
using residual_down = add_prev2<avg_pool<2, 2, 2, 2, skip1<tag2<block<N, BN, 2, tag1<SUBNET>>>>>>;
template <int N, template <typename> class BN, int stride, typename SUBNET>
using block = BN<con<N, 3, 3, 1, 1, relu<BN<con<N, 3, 3, stride, stride, SUBNET>>>>>;
template <int N, typename SUBNET> using ares = relu<residual<block, N, affine, SUBNET>>;
template <int N, typename SUBNET> using ares_down = relu<residual_down<block, N, affine, SUBNET>>;
template <typename SUBNET> using alevel0 = ares_down<256, SUBNET>;
template <typename SUBNET> using alevel1 = ares<256, ares<256, ares_down<256, SUBNET>>>;
template <typename SUBNET> using alevel2 = ares<128, ares<128, ares_down<128, SUBNET>>>;
template <typename SUBNET> using alevel3 = ares<64, ares<64, ares<64, ares_down<64, SUBNET>>>>;
template <typename SUBNET> using alevel4 = ares<32, ares<32, ares<32, SUBNET>>>;
using anet_type = loss_metric<fc_no_bias<128, avg_pool_everything<
    alevel0<alevel1<alevel2<alevel3<alevel4<
    max_pool<3, 3, 2, 2, relu<affine<con<32, 7, 7, 2, 2, input_rgb_image_sized<150>>>>>>>>>>>>>;

int main(int argc, char** argv) {
    if (argc < 5) {
        std::cerr << "usage: dlib_reference SHAPE5.dat RESNET.dat CHIPDIR IMAGE...\n";
        return 2;
    }
    shape_predictor sp;
    deserialize(argv[1]) >> sp;
    anet_type net;
    deserialize(argv[2]) >> net;
    frontal_face_detector detector = get_frontal_face_detector();
    std::cout << "[\n";
    for (int a = 4; a < argc; ++a) {
        matrix<rgb_pixel> img;
        load_image(img, argv[a]);
        std::vector<rectangle> boxes = detector(img);
        std::cout << (a > 4 ? ",\n" : "") << "{\"image\": \"" << argv[a] << "\", \"boxes\": [";
        for (size_t i = 0; i < boxes.size(); ++i)
            std::cout << (i ? ", " : "") << "[" << boxes[i].left() << ", " << boxes[i].top() << ", "
                      << boxes[i].right() << ", " << boxes[i].bottom() << "]";
        std::cout << "]";
        if (!boxes.empty()) {
            rectangle largest = boxes[0];
            for (auto& b : boxes) if (b.area() > largest.area()) largest = b;
            full_object_detection shape = sp(img, largest);
            std::cout << ", \"landmarks\": [";
            for (unsigned long i = 0; i < shape.num_parts(); ++i)
                std::cout << (i ? ", " : "") << "[" << shape.part(i).x() << ", " << shape.part(i).y() << "]";
            std::cout << "]";
            matrix<rgb_pixel> chip;
            extract_image_chip(img, get_face_chip_details(shape, 150, 0.25), chip);
            std::string chip_path = std::string(argv[3]) + "/chip" + std::to_string(a - 4) + ".png";
            save_png(chip, chip_path);
            matrix<float, 0, 1> d = net(chip);
            std::cout << ", \"chip\": \"" << chip_path << "\", \"descriptor\": [";
            for (long i = 0; i < d.size(); ++i) std::cout << (i ? ", " : "") << d(i);
            std::cout << "]";
        }
        std::cout << "}";
    }
    std::cout << "\n]\n";
    return 0;
}
